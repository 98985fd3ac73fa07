"""Admission tickets (T1): who gets one, when, and what it says."""
from datetime import timedelta

from kernel import idnumber, names, workdays
from kernel.errors import Forbidden, NotFound, RuleViolation

from exam.domain.batches import ID_DOCUMENT_NAMES

HAND_OUT_WORKING_DAYS = 2
# an institution's tickets come as PDFs of at most this many (a part each): one
# PDF of thousands of pages outruns the gateway's RPC timeout and the broker's
# message size, and holds the exam service for a minute (docs/performance.md)
TICKETS_PER_PDF = 250


def workdays_before(day, n):
    """The working day ``n`` working days before ``day``."""
    while n:
        day -= timedelta(days=1)
        if workdays.is_workday(day):
            n -= 1
    return day


def hand_out_by(exam_date):
    """T1: institutions hand tickets out at least 2 working days before the exam;
    None while the working-day calendar of that year is not loaded (W1: shown as
    pending, never guessed)."""
    return workdays.or_pending(workdays_before, exam_date, HAND_OUT_WORKING_DAYS)[0]


def check_ticket_window(batch, today):
    """T1: individuals download inside the ticket window only."""
    start, end = batch["ticket"]["start"], batch["ticket"]["end"]
    if not start <= today <= end:
        raise RuleViolation("TICKET_WINDOW_CLOSED", f"tickets of batch {batch['code']} can be "
                            f"downloaded from {start} to {end}; today is {today}",
                            field="batch_code", rule="T1",
                            details={"window": [str(start), str(end)], "today": str(today)})


def check_institution_printing(batch, today):
    """T1: institutions print from the ticket window's first day until the exam
    day; printing after the hand-out day is allowed (a lost ticket) but late."""
    start = batch["ticket"]["start"]
    if not start <= today <= batch["exam_date"]:
        raise RuleViolation("TICKET_WINDOW_CLOSED", f"institutions print the tickets of batch "
                            f"{batch['code']} from {start} until the exam on "
                            f"{batch['exam_date']}; today is {today}", field="batch_code",
                            rule="T1")
    last = hand_out_by(batch["exam_date"])     # None: not flagged until the day is known
    return last is not None and today > last


def named(candidates, name):
    """The candidates whose name is ``name`` (both sides in normal form, kernel.names)."""
    wanted = names.normalize(name)
    return [c for c in candidates if names.normalize_lenient(c["name"]) == wanted]


def individual_tickets(candidates, batches, today):
    """T1: the tickets an individual downloads. candidates: the confirmed
    candidates with their ID number and name, by batch and project; batches:
    {code: batch}. Only inside a ticket window, and not for a candidate an
    institution registered (it prints and hands out theirs)."""
    if not candidates:
        raise NotFound("TICKET_NOT_FOUND", "no confirmed-paid candidate with this ID number "
                       "and name", field="id_number", rule="T1")
    open_ = [c for c in candidates if batches[c["batch_code"]]["ticket"]["start"] <= today
             <= batches[c["batch_code"]]["ticket"]["end"]]
    if not open_:
        check_ticket_window(batches[candidates[-1]["batch_code"]], today)
    mine = [c for c in open_ if not c["institution_code"]]
    if not mine:
        raise Forbidden("TICKET_VIA_INSTITUTION", "this candidate registered through an "
                        "institution, which prints and hands out the ticket",
                        field="id_number", rule="T1")
    return mine


def check_institution_candidates(candidates):
    """T1: an institution prints the tickets of its confirmed-paid candidates."""
    if not candidates:
        raise NotFound("TICKET_NOT_FOUND", "the institution has no confirmed-paid candidate "
                       "in this batch", field="institution_code", rule="T1")
    return candidates


def parts(count, per=None):
    """How many PDFs (parts) ``count`` tickets make."""
    per = per or TICKETS_PER_PDF
    return max(1, -(-count // per))


def part_of(ordered, part, per=None):
    """T1: part ``part`` (1-based) of an institution's tickets in ticket-number
    order: (its candidates, how many parts there are)."""
    per = per or TICKETS_PER_PDF
    total = parts(len(ordered), per)
    if not 1 <= part <= total:
        raise NotFound("TICKET_PART_NOT_FOUND", f"the tickets come in {total} part(s) of at "
                       f"most {per}: there is no part {part}", field="part", rule="T1",
                       details={"parts": total, "per_pdf": per})
    return ordered[(part - 1) * per:part * per], total


def check_seated(application_ids, seated):
    """T1: a ticket needs a seat (the arrangement comes first)."""
    unseated = [a for a in application_ids if a not in seated]
    if unseated:
        raise RuleViolation("NOT_ARRANGED", "no seat yet for " + ", ".join(unseated),
                            field="batch_code", rule="T1", details={"unseated": unseated})


def ticket_rules(accepted_documents):
    """考生须知 printed on the ticket (001 §六-八, T2, T4, T5)."""
    docs = "、".join(ID_DOCUMENT_NAMES.get(d, d) for d in accepted_documents)
    return [
        f"考生须持本准考证和有效身份证件（{docs}；不含过期证件、一代身份证、身份证复印件等其他证件、证明）"
        "按准考证指定的时间、地点和考场参加考核。",
        "准考证使用A4纸打印，黑白、彩色均可，确保字迹、照片清晰。",
        "考核实行百分制，成绩达60分（含）以上者为合格。",
        "考核结束5个工作日后公示成绩，公示期为5个工作日。",
        "逾期未完成准考证打印影响考核的，一切后果由考生本人承担。",
    ]


def ticket_page(cand, seat, batch, session, room, project_name, institution_name, photo):
    """One ticket as exam.ticket_pdf draws it. cand: {name, id_number,
    institution_code}; seat: {ticket_number, seat}; batch: {exam_date,
    accepted_id_documents}; session: {label, starts, ends}; room: {name, location}."""
    exam_date = batch["exam_date"]
    return {
        "ticket_number": seat["ticket_number"], "name": cand["name"],
        "sex": "男" if idnumber.parse(cand["id_number"]).sex == "M" else "女",
        "id_number": cand["id_number"], "project_name": project_name,
        "exam_date": f"{exam_date.year}年{exam_date.month}月{exam_date.day}日",
        "session_label": session["label"], "starts": session["starts"],
        "ends": session["ends"], "room_name": room["name"], "location": room["location"],
        "seat": seat["seat"],
        "channel_label": institution_name if cand["institution_code"] else "个人报名",
        "photo": photo, "rules": ticket_rules(batch["accepted_id_documents"])}
