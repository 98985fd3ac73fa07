"""Publication of the results (T5): the public list, objections, finalization."""
import io

from kernel import exports, names, workdays
from kernel.errors import Conflict, NotFound, RuleViolation, ValidationFailed

from exam.domain.checkin import Attendance
from exam.domain.scores import parse_score, passed
from exam.domain.tickets import HAND_OUT_WORKING_DAYS, workdays_before

PUBLICATION_DELAY = 5       # working days after the exam
PUBLICATION_LENGTH = 5      # working days on the list
OPEN, DISMISSED, CORRECTED = "open", "dismissed", "corrected"       # objections


def publication_period(exam_date):
    """T5: the list goes up 5 working days after the exam and stays up for 5
    working days (the first day counts): (first day, last day)."""
    first = workdays.add_workdays(exam_date, PUBLICATION_DELAY)
    return first, publication_ends(first)


def publication_ends(first):
    """The last of the 5 working days of a publication that starts on ``first``
    (later than planned when the scores were verified late)."""
    if not workdays.is_workday(first):
        first = workdays.add_workdays(first, 1)
    return workdays.add_workdays(first, PUBLICATION_LENGTH - 1)


def pending_year(exam_date):
    """T1/T5 (W1): the year whose working-day calendar the hand-out day or the
    publication period of an exam waits for (nobody loaded it yet), or None."""
    for compute, args in ((workdays_before, (exam_date, HAND_OUT_WORKING_DAYS)),
                          (publication_period, (exam_date,))):
        year = workdays.or_pending(compute, *args)[1]
        if year is not None:
            return year
    return None


def publication_due(exam_date, today, seated):
    """T5: a batch with seated candidates goes on the list from the 5th working
    day after its exam. Returns the planned first day, or None when not yet."""
    first, _ = publication_period(exam_date)
    return first if today >= first and seated else None


def unverified(seats, verified):
    """T5: the list goes up once every session-room with present candidates is
    verified. seats: [(session, room, attendance)]; verified: {(session, room)}.
    Returns the session-rooms still waiting, sorted."""
    return sorted({(s, r) for s, r, attendance in seats
                   if attendance == Attendance.PRESENT} - set(verified))


def finalizable(results, held):
    """T5: after publication every result goes out once, except those an open
    objection holds. results: application ids not finalized yet; held: the
    batch's application ids with an open objection. Returns those to send."""
    return {a for a in results if a not in held}


def finalized(sent, results, held):
    """T5: a batch's finalization is over once every result went out and no
    objection is open."""
    return sent == len(results) and not held


def check_listed(publication, batch_code):
    """T5: the public list exists from the first day of publication."""
    if publication is None:
        raise NotFound("RESULTS_NOT_PUBLISHED", f"the results of batch {batch_code} are "
                       "not published yet", field="batch_code", rule="T5")


def check_objection_allowed(period, today):
    """T5: objections are taken while the results are published. ``period``:
    (first day, last day), or None before the publication."""
    if period is None:
        raise RuleViolation("RESULTS_NOT_PUBLISHED", "the results are not published yet",
                            field="batch_code", rule="T5")
    check_objection_window(period, today)


def check_objection_window(period, today):
    if not period[0] <= today <= period[1]:
        raise RuleViolation("OBJECTION_WINDOW_CLOSED", f"objections are taken while the "
                            f"results are published, {period[0]} to {period[1]}; today is "
                            f"{today}", field="batch_code", rule="T5")


def objecting_candidate(candidates, name):
    """T5: the one published result an objection is about, by ID number and name
    (``candidates``: those with a result and this ID number, of the project if named)."""
    wanted = names.normalize(name)   # both sides in normal form (kernel.names)
    found = [c for c in candidates if names.normalize_lenient(c["name"]) == wanted]
    if len(found) != 1:
        raise NotFound("CANDIDATE_NOT_FOUND", "no published result for this ID number and "
                       "name" if not found else "several results: name the project",
                       field="id_number" if not found else "project_code", rule="T5")
    return found[0]


def check_no_open_objection(open_objection):
    """T5: one open objection per result at a time."""
    if open_objection:
        raise Conflict("OBJECTION_OPEN", "an objection to this result is already open",
                       field="id_number", rule="T5")


def check_unresolved(status):
    """T5: an objection is resolved once."""
    if status != OPEN:
        raise Conflict("OBJECTION_RESOLVED", f"the objection is already {status}",
                       field="objection_id", rule="T5")


def corrected_score(decision, final_score):
    """T5: a correction gives the corrected final score (tenths returned); a
    dismissal keeps the score and gives none (None returned)."""
    if decision == CORRECTED:
        if final_score is None:
            raise ValidationFailed("VALIDATION_FAILED", "a correction gives the corrected "
                                   "final score", field="final_score", rule="T5")
        return parse_score(final_score, field="final_score")
    if final_score is not None:
        raise ValidationFailed("VALIDATION_FAILED", "a dismissal keeps the score: give no "
                               "final_score", field="final_score", rule="T5")
    return None


def public_list_csv(rows):
    """The public list (成绩公示) as CSV, UTF-8 with a BOM (Excel opens it)."""
    text = io.StringIO()
    writer = exports.writer(text, lineterminator="\n")
    writer.writerow(["序号", "准考证号", "姓名", "身份证号", "考核项目", "成绩", "结果"])
    for n, r in enumerate(rows, 1):
        writer.writerow([n, r["ticket_number"], r["name"], r["id_number"], r["project"],
                         "" if r["score"] is None else f"{r['score']:g}", r["result"]])
    return "\ufeff" + text.getvalue()


def result_label(absent, final):
    if absent:
        return "缺考"
    return "合格" if passed(final) else "不合格"
