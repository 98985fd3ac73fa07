"""What the exam service counts for the dashboard and its business gauge
(skillcert_exam_candidates_by_stage): per batch and project, the candidates
seated (a seat and a ticket number in the arrangement) and present (checked in)."""
from sqlalchemy import func, select

from exam.domain.checkin import Attendance
from exam.models import Candidate, Seating

STAGES = ("seated", "present")


def stage_counts(db):
    """{(batch_code, project_code, stage): n}, both stages of every batch and
    project that has a seat (0 when nobody is present yet)."""
    out = {}
    for batch, project, n in db.execute(
            select(Seating.batch_code, Seating.project_code, func.count())
            .group_by(Seating.batch_code, Seating.project_code)):
        out[(batch, project, "seated")] = n
        out[(batch, project, "present")] = 0
    for batch, project, n in db.execute(
            select(Candidate.batch_code, Candidate.project_code, func.count())
            .where(Candidate.attendance == Attendance.PRESENT)
            .group_by(Candidate.batch_code, Candidate.project_code)):
        out.setdefault((batch, project, "seated"), 0)
        out[(batch, project, "present")] = n
    return out
