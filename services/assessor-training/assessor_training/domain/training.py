"""Study and exam (A5): study hours inside the study period, the exam for a
trainee with the required hours, its pass mark, and the exam's sittings
(A1: "根据具体参培人数分批组织考试", "考试时长为90分钟")."""
from kernel.errors import Conflict, RuleViolation

from assessor_training.domain.review_chain import ADMITTED, ApplicationStatus
from assessor_training.domain.training_periods import EXAM_MINUTES


def check_study_entry(status, period, studied_on, today):
    """A5: study hours count for admitted trainees inside the study period."""
    if status != ADMITTED:
        raise RuleViolation("NOT_A_TRAINEE", f"the application is {status}: only admitted "
                            "trainees who have not sat the exam record study hours",
                            field="application_id", rule="A5", details={"status": status})
    start, end = period["study"]
    if not start <= studied_on <= end or studied_on > today:
        raise RuleViolation("OUTSIDE_STUDY_PERIOD", f"study counts from {start} to {end} and "
                            f"not after today ({today}); {studied_on} is outside",
                            field="studied_on", rule="A5",
                            details={"study": [str(start), str(end)]})


def minutes_required(period):
    return int(round(period["required_study_hours"] * 60))


def check_exam_result(status, period, studied_minutes, score, today, policy):
    """A5: only a trainee with the required study hours sits the exam, and a score
    exists from the exam date. Returns passed or failed (ApplicationStatus)."""
    if status in (ApplicationStatus.PASSED, ApplicationStatus.FAILED):
        raise Conflict("EXAM_ALREADY_RECORDED", f"the exam result is already recorded "
                       f"({status})", field="application_id", rule="A5",
                       details={"status": status})
    if status != ADMITTED:
        raise RuleViolation("NOT_A_TRAINEE", f"the application is {status}: only admitted "
                            "trainees sit the exam", field="application_id", rule="A5")
    need = minutes_required(period)
    if studied_minutes < need:
        raise RuleViolation("STUDY_HOURS_SHORT", f"{studied_minutes / 60:.2f} of the "
                            f"{period['required_study_hours']} required study hours are "
                            "recorded: the trainee may not sit the exam", field="application_id",
                            rule="A5", details={"studied_minutes": studied_minutes,
                                                "required_minutes": need})
    if today < period["exam_date"]:
        raise RuleViolation("EXAM_NOT_HELD_YET", f"the exam is on {period['exam_date']}",
                            field="score", rule="A1",
                            details={"exam_date": str(period["exam_date"])})
    mark = pass_score(period, policy)
    return ApplicationStatus.PASSED if score >= mark else ApplicationStatus.FAILED


def pass_score(period, policy):
    """A5: the period's pass mark, or the configured one (the notice gives none:
    "考核合格")."""
    mark = period.get("pass_score")
    return policy.pass_score if mark is None else mark


def _minutes(hhmm, field="first_sitting_at"):
    try:
        hours, minutes = (int(x) for x in str(hhmm).split(":"))
    except ValueError:
        hours = minutes = -1
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise RuleViolation("VALIDATION_FAILED", f"{field}: a time of day HH:MM expected",
                            field=field)
    return hours * 60 + minutes


def sitting_times(seq, first_at, break_minutes):
    """A1: sitting ``seq`` (1, 2, ...) of the exam day: it starts after the
    sittings before it and their breaks, and lasts EXAM_MINUTES (90). Returns
    (starts_at, ends_at) as HH:MM; a sitting that would end after midnight is
    SITTINGS_EXCEED_DAY."""
    start = _minutes(first_at) + (seq - 1) * (EXAM_MINUTES + break_minutes)
    end = start + EXAM_MINUTES
    if end > 24 * 60:
        raise RuleViolation("SITTINGS_EXCEED_DAY", f"sitting {seq} would end after midnight: "
                            "raise the capacity per sitting or start earlier",
                            field="capacity", rule="A1", details={"sitting": seq})
    return f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"


def assign_sittings(unseated, sittings, capacity, first_at, break_minutes):
    """A1 分批组织考试: seat the trainees ``unseated`` (application ids, in order)
    in the free seats of the existing ``sittings`` ({seq: (capacity, used)}),
    then in new sittings of ``capacity`` each. Trainees already seated keep their
    sitting. Returns (new sittings [{seq, starts_at, ends_at, capacity}],
    seats [(application id, seq)])."""
    if capacity < 1:
        raise RuleViolation("VALIDATION_FAILED", "a sitting seats at least one trainee",
                            field="capacity")
    free = [(seq, cap - used) for seq, (cap, used) in sorted(sittings.items()) if cap > used]
    new, seats, queue = [], [], list(unseated)
    for seq, room in free:
        seats += [(app_id, seq) for app_id in queue[:room]]
        queue = queue[room:]
    seq = max(sittings, default=0)
    while queue:
        seq += 1
        starts_at, ends_at = sitting_times(seq, first_at, break_minutes)
        new.append({"seq": seq, "starts_at": starts_at, "ends_at": ends_at,
                    "capacity": capacity})
        seats += [(app_id, seq) for app_id in queue[:capacity]]
        queue = queue[capacity:]
    return new, seats
