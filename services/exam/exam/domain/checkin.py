"""Check-in on the exam day (T2) and no-shows."""
from enum import StrEnum

from kernel.errors import Forbidden, NotFound, RuleViolation

from exam.domain.batches import ID_DOCUMENT_NAMES


class Attendance(StrEnum):
    PRESENT = "present"     # checked in (T2)
    ABSENT = "absent"       # seated, not checked in by the end of the exam day (缺考)


def check_ticket(seat):
    """T2: the desk checks in a ticket number the arrangement gave."""
    if seat is None:
        raise NotFound("TICKET_NOT_FOUND", "no candidate has this ticket number",
                       field="ticket_number", rule="T2")
    return seat


def check_document(batch, document, id_number, today):
    """T2: on the exam day, a document of a type the batch accepts, not expired,
    of the candidate whose ticket it is."""
    if today != batch["exam_date"]:
        raise RuleViolation("CHECK_IN_NOT_TODAY", f"check-in is on the exam day "
                            f"{batch['exam_date']}; today is {today}", field="ticket_number",
                            rule="T2")
    accepted = batch["accepted_id_documents"]
    if document["type"] not in accepted:
        raise RuleViolation("ID_DOCUMENT_NOT_ACCEPTED", "batch " + batch["code"] + " accepts "
                            + "、".join(ID_DOCUMENT_NAMES.get(d, d) for d in accepted)
                            + " only (no expired card, first-generation card or copy)",
                            field="document.type", rule="T2",
                            details={"accepted": list(accepted), "given": document["type"]})
    if document["number"].strip().upper() != id_number:
        raise Forbidden("ID_MISMATCH", "the ID document is not the candidate's: its number "
                        "differs from the one on the ticket", field="document.number", rule="T2")
    expires = document.get("expires_on")
    if expires is not None and expires < today:
        raise RuleViolation("ID_DOCUMENT_EXPIRED", f"the ID document expired on {expires}",
                            field="document.expires_on", rule="T2")
