"""Exam rooms, their seats and spacing rule (T3), and the sessions of an exam day."""
from collections import Counter

from kernel.errors import Conflict, RuleViolation

SPACING_RULES = ("all", "alternate", "listed")
MAX_SEATS = 999             # per room: the ticket number has 3 digits for the seat
MAX_ROOMS = 99              # per arrangement: 2 digits for the room (2 for the batch letter)


def check_room(room):
    """A room's seats are named workstations, each name once. The spacing rule
    says which seats may be used when candidates must sit apart (T3, 003: seats
    more than 1 m apart): ``all``, ``alternate`` (every other seat in the listed
    order, the first one included) or ``listed`` (exactly the seats named).
    Returns the room with ``usable`` seats added."""
    seats = [s.strip() for s in room["seats"]]
    counts = Counter(seats)
    duplicates = sorted(s for s, n in counts.items() if n > 1)
    if duplicates:
        raise RuleViolation("ROOM_SEAT_DUPLICATE", "a seat name appears more than once: "
                            + ", ".join(duplicates), field="seats", rule="T3",
                            details={"duplicates": duplicates})
    if not seats or len(seats) > MAX_SEATS or "" in counts:
        raise RuleViolation("ROOM_SEATS", f"a room has 1 to {MAX_SEATS} named seats",
                            field="seats", rule="T3")
    spacing = dict(room["spacing"])
    if spacing["rule"] == "listed":
        listed = [s.strip() for s in spacing.get("seats") or []]
        unknown = sorted(set(listed) - set(seats))
        if unknown or not listed or len(set(listed)) != len(listed):
            raise RuleViolation("ROOM_SPACING_SEATS", "the spacing rule must list distinct "
                                "seats of this room" + (f"; unknown: {', '.join(unknown)}"
                                                        if unknown else ""),
                                field="spacing.seats", rule="T3", details={"unknown": unknown})
        spacing["seats"] = listed
    else:
        spacing.pop("seats", None)
    out = dict(room, seats=seats, spacing=spacing)
    out["usable"] = usable_seats(out)
    return out


def usable_seats(room):
    rule = room["spacing"]["rule"]
    if rule == "alternate":
        return room["seats"][::2]
    if rule == "listed":
        keep = set(room["spacing"]["seats"])
        return [s for s in room["seats"] if s in keep]
    return list(room["seats"])


def check_room_change(current, room, in_use):
    """T3: a room's seats and spacing stay while an arrangement to come uses it
    (``in_use``: its seats taken from today on). ``current`` is the room as
    stored (None for a new room), ``room`` the checked new version."""
    if current is not None and (current["seats"] != room["seats"]
                                or current["spacing"] != room["spacing"]) and in_use:
        raise Conflict("ROOM_IN_USE", f"room {current['code']} is arranged for an exam to "
                       "come; arrange that batch without it first", field="seats",
                       rule="T3", details={"seated": in_use})


# --- sessions of an exam day --------------------------------------------------

DEFAULT_SESSIONS = (
    {"code": "AM", "label": "上午", "starts": "09:00", "ends": "11:00"},
    {"code": "PM", "label": "下午", "starts": "14:00", "ends": "16:00"},
)
MAX_SESSIONS = 99


def check_sessions(sessions):
    """Sessions of one exam day: distinct codes, each ends after it starts, none
    overlaps another. Returned in time order."""
    ordered = sorted(sessions, key=lambda s: s["starts"])
    codes = Counter(s["code"] for s in ordered)
    twice = sorted(c for c, n in codes.items() if n > 1)
    if twice:
        raise RuleViolation("SESSION_DUPLICATE", f"session codes must differ: {', '.join(twice)}",
                            field="sessions", details={"duplicates": twice})
    if not ordered or len(ordered) > MAX_SESSIONS:
        raise RuleViolation("SESSIONS_COUNT", f"an exam day has 1 to {MAX_SESSIONS} sessions",
                            field="sessions")
    for s in ordered:
        if s["ends"] <= s["starts"]:
            raise RuleViolation("SESSION_TIMES", f"session {s['code']} must end after it starts",
                                field="sessions", details={"session": s["code"]})
    for a, b in zip(ordered, ordered[1:]):
        if b["starts"] < a["ends"]:
            raise RuleViolation("SESSIONS_OVERLAP", f"sessions {a['code']} and {b['code']} "
                                "overlap", field="sessions",
                                details={"sessions": [a["code"], b["code"]]})
    return ordered


def overlapping(a, b):
    return a["starts"] < b["ends"] and b["starts"] < a["ends"]
