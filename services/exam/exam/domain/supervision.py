"""Quality supervision and the assessors' meeting of a session (T4).

002 二(九): "各级职鉴中心派遣质量督导员，对专项职业能力考核全过程进行现场质量
督导，对质量督导情况如实记录并签字，作为办理专项职业能力证书的依据。" The
supervisor is a staff person the center dispatches to the session (not drawn
from the assessor cards, and not one of its assessors); their signed record is
the basis of the certificates: no result of a session without it is finalized.

002 二(八): "考评人员需在考核前按照试卷要求，召开考评工作会确定本次考核的统一标准、
职责分工和考评流程等，并向考生公开告知。" The meeting is recorded with the
session: when (before the session starts), who attended, what was covered
and how candidates were told.
"""
from kernel.errors import Conflict, Forbidden, RuleViolation


def _key(id_number):
    return (id_number or "").strip().upper()


def check_supervisor(supervisor, session_assessors, supervision):
    """The center's supervisor for a session: not one of its assessors, and
    not changed once the supervision is recorded."""
    if _key(supervisor["id_number"]) in {_key(a) for a in session_assessors}:
        raise RuleViolation("SUPERVISOR_IS_ASSESSOR", "the quality supervisor (质量督导员) is "
                            "dispatched by the center, not one of the session's assessors",
                            field="supervisor.id_number", rule="T4")
    if supervision:
        raise Conflict("SUPERVISION_RECORDED", "the supervision of this session is recorded: "
                       "its supervisor stays", field="session_code", rule="T4")


def check_supervision(assigned, signer_id_number, existing, record):
    """T4: the supervisor the center dispatched records and signs the
    supervision, once (the same record again is a repeat: returns True)."""
    if not assigned:
        raise RuleViolation("SUPERVISOR_NOT_ASSIGNED", "the center has not dispatched a quality "
                            "supervisor to this session", field="session_code", rule="T4")
    if _key(signer_id_number) != _key(assigned["id_number"]):
        raise Forbidden("SUPERVISION_NOT_BY_SUPERVISOR", "only the quality supervisor "
                        "dispatched to the session records and signs its supervision",
                        field="signed_by.id_number", rule="T4")
    if existing:
        if existing["record"] == record:
            return True
        raise Conflict("SUPERVISION_RECORDED", "the supervision of this session is already "
                       "recorded and signed", field="record", rule="T4")
    return False


def unsupervised(sessions, supervised):
    """The sessions (codes) with results but no signed supervision record."""
    return sorted(set(sessions) - set(supervised))


def check_meeting(held_at_local, session_starts_local, attendees, session_assessors):
    """T4: the assessors' meeting (考评工作会) is held before the session starts
    and every assessor dispatched to the session attends it (by ID number)."""
    if held_at_local >= session_starts_local:
        raise RuleViolation("MEETING_AFTER_START", "the assessors' meeting (考评工作会) is "
                            "held before the session starts", field="held_at", rule="T4",
                            details={"starts": session_starts_local.isoformat()})
    present = {_key(a.get("id_number")) for a in attendees}
    missing = sorted(_key(a) for a in session_assessors if _key(a) not in present)
    if missing:
        raise RuleViolation("MEETING_ASSESSORS_ABSENT", f"{len(missing)} assessors of the "
                            "session are not among the meeting's attendees", field="attendees",
                            rule="T4", details={"missing": len(missing)})
