"""Study and exam (A5): study hours inside the study period, the exam for a
trainee with the required hours."""
from kernel.errors import Conflict, RuleViolation

from assessor_training.domain.review_chain import ADMITTED, ApplicationStatus


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
    return ApplicationStatus.PASSED if score >= policy.pass_score else ApplicationStatus.FAILED
