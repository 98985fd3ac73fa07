"""The seat arrangement (T3) and the ticket numbers it gives (T1)."""
from collections import Counter, defaultdict

from kernel.errors import RuleViolation

from exam.domain.rooms import MAX_ROOMS, overlapping, usable_seats

MAX_PER_WORKSTATION_PER_DAY = 10


def check_before_tickets(batch_code, ticket_start, today):
    """T1: once the ticket window has opened the arrangement stays as printed
    (no new sessions, no new arrangement)."""
    if today >= ticket_start:
        raise RuleViolation("ARRANGEMENT_FROZEN", f"the tickets of batch {batch_code} are "
                            f"out since {ticket_start}: the arrangement stays as "
                            "printed", field="batch_code", rule="T1")


def check_rooms(rooms):
    """The rooms of one arrangement: at least one (T3), at most MAX_ROOMS (the
    ticket number has 2 digits for the room, T1)."""
    if not rooms:
        raise RuleViolation("CAPACITY_SHORTFALL", "no exam room to arrange in",
                            field="rooms", rule="T3")
    if len(rooms) > MAX_ROOMS:
        raise RuleViolation("TOO_MANY_ROOMS", f"one arrangement uses at most "
                            f"{MAX_ROOMS} rooms (the ticket number has 2 digits "
                            "for the room)", field="rooms", rule="T1")
    return rooms


def same_day_use(sessions, others, times):
    """Seats other batches on the same exam date use: the daily count per
    workstation (T3), and the seats taken in sessions overlapping ours.

    sessions: this batch's sessions; others: [(batch, session, room, seat)] of
    the other batches that day; times: {batch: {session code: session}}.
    Returns (prior_use {(room, seat): n}, blocked {session code: {(room, seat)}})."""
    prior_use, blocked = Counter(), defaultdict(set)
    for other, session, room, seat in others:
        prior_use[(room, seat)] += 1
        for mine in sessions:
            if overlapping(mine, times[other][session]):
                blocked[mine["code"]].add((room, seat))
    return prior_use, blocked


def arrange(candidates, rooms, sessions, prior_use=None, blocked=None,
            daily_cap=MAX_PER_WORKSTATION_PER_DAY):
    """Give every candidate a session, a room and a seat.

    candidates: [{application_id, project_code, institution_code}];
    rooms: [{code, usable: [seat names]}]; sessions: [session codes] in time order;
    prior_use: {(room, seat): candidates already seated there that day (other
    batches on the same date)}; blocked: {session code: {(room, seat)}} taken at
    the same time by another batch.

    Rules: one project per session-room (its assessors hold cards for that
    project, T4); no seat twice in a session; a workstation used by at most
    ``daily_cap`` candidates a day across all sessions (T3); a project's
    candidates are dealt round-robin over its session-rooms in institution
    order, so one institution's candidates spread over rooms. Deterministic: the
    result depends on the inputs' content, not their order. Too little capacity
    raises CAPACITY_SHORTFALL with the number of seats missing.

    Returns [{application_id, session, room, seat}] in (session, room, seat) order.
    """
    blocked = blocked or {}
    use = Counter(prior_use or {})
    rooms = sorted(rooms, key=lambda r: r["code"])
    groups = defaultdict(list)
    for c in candidates:
        groups[c["project_code"]].append(c)
    slots = ((s, r) for s in sessions for r in rooms)
    placed, missing = [], 0
    for project in sorted(groups, key=lambda p: (-len(groups[p]), p)):
        group = sorted(groups[project], key=lambda c: (c.get("institution_code") or "\uffff",
                                                       c["application_id"]))
        need, taken = len(group), []
        while need:
            slot = next(slots, None)
            if slot is None:
                break
            session, room = slot
            gone = blocked.get(session, ())
            free = [seat for seat in room["usable"]
                    if use[(room["code"], seat)] < daily_cap and (room["code"], seat) not in gone]
            if not free:
                continue
            seats = free[:need]
            for seat in seats:
                use[(room["code"], seat)] += 1
            taken.append((session, room["code"], seats))
            need -= len(seats)
        missing += need
        if not need:
            placed.extend(_deal(group, taken))
    if missing:
        raise RuleViolation(
            "CAPACITY_SHORTFALL", f"{missing} seats are missing: {len(candidates)} candidates, "
            f"and the rooms and sessions seat only {len(candidates) - missing} (one project per "
            f"session-room, at most {daily_cap} candidates per workstation a day)",
            field="rooms", rule="T3",
            details={"missing": missing, "candidates": len(candidates)})
    order = {s: i for i, s in enumerate(sessions)}
    placed.sort(key=lambda p: (order[p["session"]], p["room"], p["index"]))
    for p in placed:
        del p["index"]
    return placed


def _deal(group, taken):
    """Round-robin over the session-rooms; a full one leaves the ring."""
    seats = [s for _, _, s in taken]
    filled = [0] * len(taken)
    ring, pos, out = list(range(len(taken))), 0, []
    for cand in group:
        j = ring[pos]
        session, room, _ = taken[j]
        out.append({"application_id": cand["application_id"], "session": session,
                    "room": room, "seat": seats[j][filled[j]], "index": filled[j]})
        filled[j] += 1
        if filled[j] == len(seats[j]):
            ring.pop(pos)
        else:
            pos += 1
        if ring:
            pos %= len(ring)
    return out


def ticket_number(batch_code, session_no, room_no, seat_no):
    """准考证号, 13 digits: YYMM (exam month), the batch letter in 2 digits (00 for
    none, 01 for 'a' ... 26 for 'z': a batch code may carry any of them), the
    session (2 digits, 1-based in time order: T3 lets a workstation serve 10
    candidates a day, so a day may have 10 sessions or more), the room (2 digits,
    1-based in the order of room codes: at most rooms.MAX_ROOMS = 99 in one
    arrangement) and the seat (3 digits, 1-based in the room's seat list).
    Unique in a batch by construction, across batches by the prefix."""
    year, month = batch_code[2:4], batch_code[5:7]
    letter = batch_code[7:8]
    letter_no = ord(letter) - ord("a") + 1 if letter else 0
    return f"{year}{month}{letter_no:02d}{session_no:02d}{room_no:02d}{seat_no:03d}"


def seatings(batch_code, exam_date, placed, candidates, rooms, sessions):
    """The rows of an arrangement: every placed candidate with their project and
    ticket number. rooms: [{code, seats}] in room-code order; sessions in time order."""
    session_no = {s["code"]: n for n, s in enumerate(sessions, 1)}
    room_no = {r["code"]: n for n, r in enumerate(rooms, 1)}
    seat_no = {r["code"]: {seat: n for n, seat in enumerate(r["seats"], 1)} for r in rooms}
    project = {c["application_id"]: c["project_code"] for c in candidates}
    return [{"application_id": p["application_id"], "batch_code": batch_code,
             "project_code": project[p["application_id"]], "session_code": p["session"],
             "room_code": p["room"], "seat": p["seat"], "exam_date": exam_date,
             "ticket_number": ticket_number(batch_code, session_no[p["session"]],
                                            room_no[p["room"]], seat_no[p["room"]][p["seat"]])}
            for p in placed]


def room_capacity(rooms):
    """The rooms as arrange() takes them: code and usable seats."""
    return [{"code": r["code"], "usable": usable_seats(r)} for r in rooms]
