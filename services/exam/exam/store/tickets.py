"""Admission tickets: the candidates they are for, their pages, who printed when."""
from sqlalchemy import select

from kernel.db import utcnow

from exam.domain.candidates import CandidateStatus
from exam.domain.tickets import hand_out_by, ticket_page
from exam.models import Candidate, Room, Seating, TicketPrint
from exam.store import batches, profiles
from exam.store.rooms import sessions
from exam.store.rosters import candidate_view

CONFIRMED = CandidateStatus.CONFIRMED


def confirmed_with_id(db, id_number):
    """The confirmed candidates with this ID number, by batch and project."""
    return [candidate_view(c) for c in db.scalars(select(Candidate).where(
        Candidate.id_number == str(id_number).strip().upper(),
        Candidate.status == CONFIRMED)
        .order_by(Candidate.batch_code, Candidate.project_code))]


def confirmed_of_institution(db, batch_code, institution_code):
    return [candidate_view(c) for c in db.scalars(select(Candidate).where(
        Candidate.batch_code == batch_code, Candidate.status == CONFIRMED,
        Candidate.institution_code == institution_code))]


def seats(db, application_ids):
    """{application id: its seat} of those seated."""
    return {s.application_id: s for s in db.scalars(select(Seating).where(
        Seating.application_id.in_(application_ids)))}


def pages(db, registration, blobs, cands, seats):
    """The ticket pages of ``cands`` (all seated), in ticket-number order."""
    cands = sorted(cands, key=lambda c: seats[c["application_id"]].ticket_number)
    found = profiles.of(db, registration, [c["application_id"] for c in cands])
    projects = profiles.project_names(registration)
    institutions = profiles.institution_names(registration,
                                              [c["institution_code"] for c in cands])
    rooms = {r.code: {"name": r.name, "location": r.location}
             for r in db.scalars(select(Room))}
    out, batches_, sessions_ = [], {}, {}
    for c in cands:
        seat = seats[c["application_id"]]
        if c["batch_code"] not in batches_:
            batches_[c["batch_code"]] = batches.get(db, c["batch_code"]).to_dict()
            sessions_[c["batch_code"]] = {s["code"]: s for s in sessions(db, c["batch_code"])}
        out.append(ticket_page(
            c, {"ticket_number": seat.ticket_number, "seat": seat.seat}, batches_[c["batch_code"]],
            sessions_[c["batch_code"]][seat.session_code], rooms[seat.room_code],
            projects.get(c["project_code"], c["project_code"]),
            institutions.get(c["institution_code"], c["institution_code"]),
            profiles.photo(blobs, registration, found[c["application_id"]].photo)))
    return out


def printed(db, batch_code, channel, requester, count, today, late):
    db.add(TicketPrint(batch_code=batch_code, channel=channel, requester=requester,
                       tickets=count, printed_on=today, late=late, at=utcnow()))


def prints(db, batch):
    """Who printed tickets when; institution prints after the hand-out day are late."""
    last = hand_out_by(batch.exam_date)          # None: its year's calendar is not loaded
    return {"batch_code": batch.code, "hand_out_by": last and last.isoformat(),
            "prints": [{"channel": p.channel, "requester": p.requester,
                        "tickets": p.tickets, "printed_on": p.printed_on.isoformat(),
                        "late": p.late} for p in db.scalars(
                select(TicketPrint).where(TicketPrint.batch_code == batch.code)
                .order_by(TicketPrint.id))]}
