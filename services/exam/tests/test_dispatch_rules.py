"""Unit tests of exam.domain.dispatch: assessor dispatch (T4)."""
from datetime import date

import pytest

from kernel.errors import Conflict, RuleViolation

from exam.domain import dispatch

D = date.fromisoformat


def card(n, unit=None, projects=("p",), status="valid", valid_until="2028-01-01"):
    return {"card_number": f"C{n:03d}", "id_number": f"ID{n:03d}", "name": f"考评员{n}",
            "unit": unit or f"单位{n}", "projects": list(projects), "status": status,
            "valid_from": D("2025-01-01"), "valid_until": D(valid_until)}


def slot(session="AM", room="R01", project="p", units=()):
    return {"session": session, "room": room, "project": project,
            "units": {dispatch.unit_key(u) for u in units}}


def test_T4_each_session_room_gets_three_assessors_with_valid_cards_and_no_supervisor():
    # 002 二(八) three assessors; the quality supervisor is the center's, not a card holder's
    cards = [card(1), card(2), card(3), card(4), card(5, status="revoked"),
             card(6, valid_until="2026-12-04"), card(7, projects=("other",))]
    staff = dispatch.dispatch([slot()], cards, D("2026-12-05"))
    assert [(s["id_number"], s["role"]) for s in staff] == [
        ("ID001", "assessor"), ("ID002", "assessor"), ("ID003", "assessor")]


def test_T4_nobody_is_in_two_rooms_in_one_session_and_the_load_is_shared():
    cards = [card(n) for n in range(1, 9)]
    staff = dispatch.dispatch([slot(room="R01"), slot(room="R02"), slot("PM", "R01")], cards,
                              D("2026-12-05"))
    am = [s["id_number"] for s in staff if s["session"] == "AM"]
    assert len(am) == len(set(am)) == 6
    pm = [s["id_number"] for s in staff if s["session"] == "PM"]
    assert set(pm) == {"ID007", "ID008", "ID001"}          # the least dispatched first
    with pytest.raises(RuleViolation) as err:
        dispatch.dispatch([slot(room="R01"), slot(room="R02")], cards[:5], D("2026-12-05"))
    assert err.value.code == "ASSESSORS_SHORT" and err.value.rule == "T4"
    assert err.value.details["short"] == [{"session": "AM", "room": "R02", "project": "p",
                                           "qualified": 2}]


def test_T4_no_assessor_from_a_unit_with_candidates_in_the_room():
    cards = [card(1, unit="四川省科教兴川促进会")] + [card(n) for n in range(2, 6)]
    staff = dispatch.dispatch([slot(units=["四川省 科教兴川促进会"])], cards, D("2026-12-05"))
    assert "ID001" not in {s["id_number"] for s in staff}
    assert dispatch.unit_key("ＡＢＣ 公司") == dispatch.unit_key("abc公司")


def test_T4_the_units_of_a_room_are_its_candidates_institutions_and_work_units():
    seats = [("PM", "R01", "p", "a"), ("AM", "R02", "p", "b"), ("AM", "R02", "p", "c")]
    units = {"a": (None, "成都 某公司"), "b": ("四川省科教兴川促进会", None), "c": (None, "")}
    assert dispatch.slots(seats, units, {"AM": 0, "PM": 1}) == [
        {"session": "AM", "room": "R02", "project": "p", "units": {"四川省科教兴川促进会"}},
        {"session": "PM", "room": "R01", "project": "p", "units": {"成都某公司"}}]


def test_T4_staff_are_dispatched_until_the_exam_is_over_EXAM_OVER():
    dispatch.check_dispatch_allowed("2026-12", D("2026-12-05"), D("2026-12-05"), False, [1])
    with pytest.raises(RuleViolation) as err:
        dispatch.check_dispatch_allowed("2026-12", D("2026-12-05"), D("2026-12-06"), False, [1])
    assert (err.value.code, err.value.rule) == ("EXAM_OVER", "T4")


def test_T4_the_dispatch_stays_once_scores_are_recorded_SCORES_RECORDED():
    with pytest.raises(Conflict) as err:
        dispatch.check_dispatch_allowed("2026-12", D("2026-12-05"), D("2026-12-05"), True, [1])
    assert (err.value.code, err.value.rule) == ("SCORES_RECORDED", "T4")


def test_T3_staff_are_dispatched_to_an_arranged_batch_only_NOT_ARRANGED():
    with pytest.raises(RuleViolation) as err:
        dispatch.check_dispatch_allowed("2026-12", D("2026-12-05"), D("2026-12-01"), False, [])
    assert (err.value.code, err.value.rule) == ("NOT_ARRANGED", "T3")


def test_T4_a_card_issued_event_does_not_revive_an_expired_or_revoked_card():
    assert dispatch.card_event_applies(None, dispatch.CARD_VALID)
    assert dispatch.card_event_applies(dispatch.CARD_VALID, dispatch.CARD_REVOKED)
    assert dispatch.card_event_applies(dispatch.CARD_EXPIRED, dispatch.CARD_REVOKED)
    assert not dispatch.card_event_applies(dispatch.CARD_REVOKED, dispatch.CARD_VALID)
    assert not dispatch.card_event_applies(dispatch.CARD_EXPIRED, dispatch.CARD_VALID)
    assert dispatch.card_valid_for(card(1), "p", D("2026-12-05"))
    assert not dispatch.card_valid_for(card(1, status="expired"), "p", D("2026-12-05"))
