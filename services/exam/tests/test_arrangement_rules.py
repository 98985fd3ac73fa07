"""Unit tests of exam.domain.arrangement: the seat arrangement (T3) and its ticket numbers (T1)."""
import random
from collections import Counter, defaultdict
from datetime import date

import pytest

from kernel.errors import RuleViolation

from exam.domain import arrangement
from exam.testing import synthetic_candidates

D = date.fromisoformat


def rooms(n, seats):
    return [{"code": f"R{i:02d}", "usable": [f"{s:02d}" for s in range(1, seats + 1)]}
            for i in range(1, n + 1)]


def test_T3_every_candidate_gets_one_seat_and_no_seat_is_used_twice_in_a_session():
    cands = synthetic_candidates(300, projects=4, institutions=6)
    placed = arrangement.arrange(cands, rooms(6, 30), ["AM", "PM"])
    assert sorted(p["application_id"] for p in placed) == sorted(c["application_id"]
                                                                 for c in cands)
    slots = Counter((p["session"], p["room"], p["seat"]) for p in placed)
    assert max(slots.values()) == 1
    project = {c["application_id"]: c["project_code"] for c in cands}
    per_room = defaultdict(set)
    for p in placed:
        per_room[(p["session"], p["room"])].add(project[p["application_id"]])
    assert all(len(v) == 1 for v in per_room.values())     # one project per session-room


def test_T3_the_same_input_in_any_order_gives_the_same_arrangement():
    cands = synthetic_candidates(500, projects=5, institutions=8)
    first = arrangement.arrange(cands, rooms(10, 40), ["AM", "PM"])
    shuffled = list(cands)
    random.Random(3).shuffle(shuffled)
    assert arrangement.arrange(shuffled, list(reversed(rooms(10, 40))), ["AM", "PM"]) == first


def test_T3_one_institutions_candidates_spread_over_the_rooms():
    cands = [{"application_id": f"a{i:03d}", "project_code": "p",
              "institution_code": "inst-01" if i < 30 else f"inst-{i:02d}"} for i in range(60)]
    placed = arrangement.arrange(cands, rooms(3, 20), ["AM"])
    inst = {c["application_id"]: c["institution_code"] for c in cands}
    by_room = Counter(p["room"] for p in placed if inst[p["application_id"]] == "inst-01")
    assert by_room == {"R01": 10, "R02": 10, "R03": 10}


def test_T3_a_workstation_seats_at_most_10_candidates_a_day_across_all_sessions():
    sessions = [f"S{n:02d}" for n in range(1, 13)]          # twelve sessions on one day
    cands = [{"application_id": f"a{i:03d}", "project_code": "p", "institution_code": None}
             for i in range(20)]
    placed = arrangement.arrange(cands, rooms(1, 2), sessions)
    per_seat = Counter((p["room"], p["seat"]) for p in placed)
    assert per_seat == {("R01", "01"): 10, ("R01", "02"): 10}
    with pytest.raises(RuleViolation) as err:
        arrangement.arrange(cands + [dict(cands[0], application_id="z")], rooms(1, 2), sessions)
    assert err.value.rule == "T3" and err.value.details["missing"] == 1


def test_T3_other_batches_on_the_same_day_count_against_the_daily_cap_and_block_seats():
    cands = [{"application_id": f"a{i}", "project_code": "p", "institution_code": None}
             for i in range(2)]
    placed = arrangement.arrange(cands, rooms(1, 3), ["AM", "PM"],
                                 prior_use={("R01", "01"): 10}, blocked={"AM": {("R01", "02")}})
    assert [(p["session"], p["seat"]) for p in placed] == [("AM", "03"), ("PM", "02")]


def test_T3_the_seats_other_batches_take_that_day_by_overlapping_session():
    mine = [{"code": "AM", "starts": "09:00", "ends": "11:00"},
            {"code": "PM", "starts": "14:00", "ends": "16:00"}]
    times = {"2026-12b": {"M": {"code": "M", "starts": "10:00", "ends": "12:00"},
                          "E": {"code": "E", "starts": "17:00", "ends": "18:00"}}}
    others = [("2026-12b", "M", "R01", "01"), ("2026-12b", "E", "R01", "01"),
              ("2026-12b", "E", "R01", "02")]
    prior_use, blocked = arrangement.same_day_use(mine, others, times)
    assert prior_use == {("R01", "01"): 2, ("R01", "02"): 1}
    assert blocked == {"AM": {("R01", "01")}}


def test_T3_too_little_capacity_says_how_many_seats_are_missing():
    cands = synthetic_candidates(130, projects=1)
    with pytest.raises(RuleViolation) as err:
        arrangement.arrange(cands, rooms(2, 30), ["AM", "PM"])
    assert err.value.code == "CAPACITY_SHORTFALL" and err.value.details["missing"] == 10
    assert "10 seats are missing" in err.value.message


def test_T3_no_room_to_arrange_in_is_CAPACITY_SHORTFALL():
    with pytest.raises(RuleViolation) as err:
        arrangement.check_rooms([])
    assert (err.value.code, err.value.rule, err.value.field) == ("CAPACITY_SHORTFALL", "T3",
                                                                 "rooms")


def test_T1_one_arrangement_uses_at_most_99_rooms_TOO_MANY_ROOMS():
    assert arrangement.check_rooms(rooms(99, 1)) == rooms(99, 1)
    with pytest.raises(RuleViolation) as err:
        arrangement.check_rooms(rooms(100, 1))
    assert (err.value.code, err.value.rule) == ("TOO_MANY_ROOMS", "T1")


def test_T1_the_arrangement_stays_as_printed_once_the_ticket_window_opens_ARRANGEMENT_FROZEN():
    arrangement.check_before_tickets("2026-12", D("2026-11-30"), D("2026-11-29"))
    with pytest.raises(RuleViolation) as err:
        arrangement.check_before_tickets("2026-12", D("2026-11-30"), D("2026-11-30"))
    assert (err.value.code, err.value.rule) == ("ARRANGEMENT_FROZEN", "T1")


def test_T1_ticket_numbers_encode_batch_session_room_and_seat():
    assert arrangement.ticket_number("2026-12", 1, 3, 17) == "2612000103017"
    assert arrangement.ticket_number("2024-03b", 2, 1, 1) == "2403020201001"
    assert len(arrangement.ticket_number("2026-12", 99, 99, 999)) == 13


def test_T1_every_batch_letter_a_to_z_gives_a_13_digit_ticket_number_of_its_own():
    # a month's tenth batch and later ones (2026-12j ... 2026-12z) once gave 14 digits,
    # which check-in refused
    numbers = {arrangement.ticket_number(f"2026-12{c}", 99, 99, 999)
               for c in "abcdefghijklmnopqrstuvwxyz"}
    numbers.add(arrangement.ticket_number("2026-12", 99, 99, 999))
    assert len(numbers) == 27
    assert all(len(n) == 13 and n.isdigit() for n in numbers)
    assert arrangement.ticket_number("2026-12z", 1, 1, 1) == "2612260101001"


def test_T1_each_seat_row_carries_its_ticket_number_by_session_room_and_seat_position():
    chosen = [{"code": "R01", "seats": ["A", "B", "C"]}, {"code": "R02", "seats": ["X", "Y"]}]
    sessions = [{"code": "AM"}, {"code": "PM"}]
    placed = [{"application_id": "a", "session": "PM", "room": "R02", "seat": "Y"}]
    rows = arrangement.seatings("2026-12", D("2026-12-05"), placed,
                                [{"application_id": "a", "project_code": "p"}], chosen, sessions)
    assert rows == [{"application_id": "a", "batch_code": "2026-12", "project_code": "p",
                     "session_code": "PM", "room_code": "R02", "seat": "Y",
                     "exam_date": D("2026-12-05"), "ticket_number": "2612000202002"}]
    assert arrangement.room_capacity([{"code": "R01", "seats": ["A", "B", "C"],
                                       "spacing": {"rule": "alternate"}}]) == [
        {"code": "R01", "usable": ["A", "C"]}]
