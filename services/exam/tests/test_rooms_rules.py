"""Unit tests of exam.domain.rooms: rooms, seats and spacing (T3), the sessions of an exam day."""
import pytest

from kernel.errors import Conflict, RuleViolation

from exam.domain import rooms


def room(code="R1", seats=("A1", "A2", "A3", "A4", "A5"), rule="all", listed=None):
    spacing = {"rule": rule}
    if listed is not None:
        spacing["seats"] = listed
    return {"code": code, "name": code, "location": "考点", "seats": list(seats),
            "spacing": spacing}


AM = {"code": "AM", "label": "上午", "starts": "09:00", "ends": "11:00"}
PM = {"code": "PM", "label": "下午", "starts": "14:00", "ends": "16:00"}


def test_T3_a_room_with_duplicate_seat_names_is_refused():
    with pytest.raises(RuleViolation) as err:
        rooms.check_room(room(seats=("A1", "A2", " A1")))
    assert (err.value.code, err.value.field, err.value.rule) == ("ROOM_SEAT_DUPLICATE", "seats",
                                                                  "T3")
    assert err.value.details["duplicates"] == ["A1"]


@pytest.mark.parametrize("seats", [(), ("A1", " "), tuple(f"S{n}" for n in range(1000))])
def test_T3_a_room_has_1_to_999_named_seats_ROOM_SEATS(seats):
    with pytest.raises(RuleViolation) as err:
        rooms.check_room(room(seats=seats))
    assert (err.value.code, err.value.rule) == ("ROOM_SEATS", "T3")


def test_T3_the_spacing_rule_decides_the_usable_seats():
    assert rooms.check_room(room(rule="alternate"))["usable"] == ["A1", "A3", "A5"]
    assert rooms.check_room(room(rule="listed", listed=["A4", "A2"]))["usable"] == ["A2", "A4"]
    assert rooms.check_room(room())["usable"] == ["A1", "A2", "A3", "A4", "A5"]
    with pytest.raises(RuleViolation) as err:
        rooms.check_room(room(rule="listed", listed=["B9"]))
    assert err.value.code == "ROOM_SPACING_SEATS" and err.value.details["unknown"] == ["B9"]


def test_T3_a_rooms_seats_stay_while_an_exam_to_come_uses_it_ROOM_IN_USE():
    current = rooms.check_room(room())
    fewer = rooms.check_room(room(seats=("A1", "A2")))
    rooms.check_room_change(None, fewer, in_use=5)                 # a new room
    rooms.check_room_change(current, fewer, in_use=0)              # nothing arranged in it
    rooms.check_room_change(current, dict(current, name="新名"), in_use=5)   # seats the same
    with pytest.raises(Conflict) as err:
        rooms.check_room_change(current, fewer, in_use=5)
    assert (err.value.code, err.value.rule, err.value.details) == ("ROOM_IN_USE", "T3",
                                                                   {"seated": 5})
    with pytest.raises(Conflict):
        rooms.check_room_change(current, rooms.check_room(room(rule="alternate")), in_use=1)


def test_T3_sessions_of_an_exam_day_must_not_overlap_and_come_back_in_time_order():
    assert [s["code"] for s in rooms.check_sessions([PM, AM])] == ["AM", "PM"]
    with pytest.raises(RuleViolation) as err:
        rooms.check_sessions([AM, dict(PM, starts="10:30")])
    assert err.value.code == "SESSIONS_OVERLAP"
    assert rooms.overlapping(AM, dict(PM, starts="10:30")) and not rooms.overlapping(AM, PM)


def test_T3_session_codes_differ_SESSION_DUPLICATE():
    with pytest.raises(RuleViolation) as err:
        rooms.check_sessions([AM, dict(AM, starts="12:00", ends="13:00")])
    assert (err.value.code, err.value.details) == ("SESSION_DUPLICATE", {"duplicates": ["AM"]})


def test_T3_an_exam_day_has_1_to_99_sessions_SESSIONS_COUNT():
    with pytest.raises(RuleViolation) as err:
        rooms.check_sessions([])
    assert err.value.code == "SESSIONS_COUNT"
    # T3 lets a workstation serve 10 candidates a day: a day of 10 sessions is allowed
    ten = [{"code": f"S{n}", "starts": f"{8 + n:02d}:00", "ends": f"{8 + n:02d}:30"}
           for n in range(10)]
    assert len(rooms.check_sessions(ten)) == 10


def test_T3_a_session_ends_after_it_starts_SESSION_TIMES():
    with pytest.raises(RuleViolation) as err:
        rooms.check_sessions([dict(AM, ends="09:00")])
    assert (err.value.code, err.value.details) == ("SESSION_TIMES", {"session": "AM"})
