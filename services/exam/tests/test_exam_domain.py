"""Unit tests of the exam rules in domain.py (pure: no broker, no database)."""
import random
from collections import Counter, defaultdict
from datetime import date

import pytest

from kernel.errors import Conflict, Forbidden, RuleViolation, ValidationFailed

from exam import domain
from exam.testing import synthetic_candidates

D = date.fromisoformat
BATCH_2026_12 = {"code": "2026-12", "exam_date": D("2026-12-05"),
                 "payment": {"start": D("2026-11-16"), "end": D("2026-11-18")},
                 "ticket": {"start": D("2026-11-30"), "end": D("2026-12-04")},
                 "accepted_id_documents": ["resident_id_card_2g"]}


# --- B1 -------------------------------------------------------------------------

def test_B1_fewer_than_10_confirmed_is_cancelled_unless_staff_override():
    assert domain.roster_decision(9, override=None) == "cancelled"
    assert domain.roster_decision(10, override=None) == "held"
    assert domain.roster_decision(3, override={"actor": "考务部"}) == "held"
    assert "B1" in domain.cancellation_reason(9)


def test_B1_the_roster_is_decided_after_the_payment_window_and_before_the_exam():
    assert not domain.roster_due(BATCH_2026_12, D("2026-11-18"))
    assert domain.roster_due(BATCH_2026_12, D("2026-11-19"))
    assert not domain.roster_due(BATCH_2026_12, D("2026-12-06"))
    with pytest.raises(Conflict) as err:
        domain.check_override("cancelled")
    assert err.value.rule == "B1"


# --- rooms (T3) -------------------------------------------------------------------

def room(code="R1", seats=("A1", "A2", "A3", "A4", "A5"), rule="all", listed=None):
    spacing = {"rule": rule}
    if listed is not None:
        spacing["seats"] = listed
    return {"code": code, "name": code, "location": "考点", "seats": list(seats),
            "spacing": spacing}


def test_T3_a_room_with_duplicate_seat_names_is_refused():
    with pytest.raises(RuleViolation) as err:
        domain.check_room(room(seats=("A1", "A2", " A1")))
    assert (err.value.code, err.value.field, err.value.rule) == ("ROOM_SEAT_DUPLICATE", "seats",
                                                                  "T3")
    assert err.value.details["duplicates"] == ["A1"]


def test_T3_the_spacing_rule_decides_the_usable_seats():
    assert domain.check_room(room(rule="alternate"))["usable"] == ["A1", "A3", "A5"]
    assert domain.check_room(room(rule="listed", listed=["A4", "A2"]))["usable"] == ["A2", "A4"]
    assert domain.check_room(room())["usable"] == ["A1", "A2", "A3", "A4", "A5"]
    with pytest.raises(RuleViolation) as err:
        domain.check_room(room(rule="listed", listed=["B9"]))
    assert err.value.code == "ROOM_SPACING_SEATS" and err.value.details["unknown"] == ["B9"]


def test_T3_sessions_of_an_exam_day_must_not_overlap_and_come_back_in_time_order():
    pm = {"code": "PM", "label": "下午", "starts": "14:00", "ends": "16:00"}
    am = {"code": "AM", "label": "上午", "starts": "09:00", "ends": "11:00"}
    assert [s["code"] for s in domain.check_sessions([pm, am])] == ["AM", "PM"]
    with pytest.raises(RuleViolation) as err:
        domain.check_sessions([am, dict(pm, starts="10:30")])
    assert err.value.code == "SESSIONS_OVERLAP"
    with pytest.raises(RuleViolation):
        domain.check_sessions([am, dict(am, starts="12:00", ends="13:00")])    # code twice


# --- arrangement (T3) ---------------------------------------------------------------

def rooms(n, seats):
    return [{"code": f"R{i:02d}", "usable": [f"{s:02d}" for s in range(1, seats + 1)]}
            for i in range(1, n + 1)]


def test_T3_every_candidate_gets_one_seat_and_no_seat_is_used_twice_in_a_session():
    cands = synthetic_candidates(300, projects=4, institutions=6)
    placed = domain.arrange(cands, rooms(6, 30), ["AM", "PM"])
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
    first = domain.arrange(cands, rooms(10, 40), ["AM", "PM"])
    shuffled = list(cands)
    random.Random(3).shuffle(shuffled)
    assert domain.arrange(shuffled, list(reversed(rooms(10, 40))), ["AM", "PM"]) == first


def test_T3_one_institutions_candidates_spread_over_the_rooms():
    cands = [{"application_id": f"a{i:03d}", "project_code": "p",
              "institution_code": "inst-01" if i < 30 else f"inst-{i:02d}"} for i in range(60)]
    placed = domain.arrange(cands, rooms(3, 20), ["AM"])
    inst = {c["application_id"]: c["institution_code"] for c in cands}
    by_room = Counter(p["room"] for p in placed if inst[p["application_id"]] == "inst-01")
    assert by_room == {"R01": 10, "R02": 10, "R03": 10}


def test_T3_a_workstation_seats_at_most_10_candidates_a_day_across_all_sessions():
    sessions = [f"S{n:02d}" for n in range(1, 13)]          # twelve sessions on one day
    cands = [{"application_id": f"a{i:03d}", "project_code": "p", "institution_code": None}
             for i in range(20)]
    placed = domain.arrange(cands, rooms(1, 2), sessions)
    per_seat = Counter((p["room"], p["seat"]) for p in placed)
    assert per_seat == {("R01", "01"): 10, ("R01", "02"): 10}
    with pytest.raises(RuleViolation) as err:
        domain.arrange(cands + [dict(cands[0], application_id="z")], rooms(1, 2), sessions)
    assert err.value.rule == "T3" and err.value.details["missing"] == 1


def test_T3_other_batches_on_the_same_day_count_against_the_daily_cap_and_block_seats():
    cands = [{"application_id": f"a{i}", "project_code": "p", "institution_code": None}
             for i in range(2)]
    placed = domain.arrange(cands, rooms(1, 3), ["AM", "PM"], prior_use={("R01", "01"): 10},
                            blocked={"AM": {("R01", "02")}})
    assert [(p["session"], p["seat"]) for p in placed] == [("AM", "03"), ("PM", "02")]


def test_T3_too_little_capacity_says_how_many_seats_are_missing():
    cands = synthetic_candidates(130, projects=1)
    with pytest.raises(RuleViolation) as err:
        domain.arrange(cands, rooms(2, 30), ["AM", "PM"])
    assert err.value.code == "CAPACITY_SHORTFALL" and err.value.details["missing"] == 10
    assert "10 seats are missing" in err.value.message


def test_T1_ticket_numbers_encode_batch_session_room_and_seat():
    assert domain.ticket_number("2026-12", 1, 3, 17) == "2612001003017"
    assert domain.ticket_number("2024-03b", 2, 1, 1) == "2403202001001"
    assert len(domain.ticket_number("2026-12", 99, 999, 999)) == 13


# --- assessor dispatch (T4) -----------------------------------------------------------

def card(n, unit=None, projects=("p",), status="valid", valid_until="2028-01-01"):
    return {"card_number": f"C{n:03d}", "id_number": f"ID{n:03d}", "name": f"考评员{n}",
            "unit": unit or f"单位{n}", "projects": list(projects), "status": status,
            "valid_from": D("2025-01-01"), "valid_until": D(valid_until)}


def slot(session="AM", room="R01", project="p", units=()):
    return {"session": session, "room": room, "project": project,
            "units": {domain.unit_key(u) for u in units}}


def test_T4_each_session_room_gets_three_assessors_and_a_supervisor_with_valid_cards():
    cards = [card(1), card(2), card(3), card(4), card(5, status="revoked"),
             card(6, valid_until="2026-12-04"), card(7, projects=("other",))]
    staff = domain.dispatch([slot()], cards, D("2026-12-05"))
    assert [(s["id_number"], s["role"]) for s in staff] == [
        ("ID001", "assessor"), ("ID002", "assessor"), ("ID003", "assessor"),
        ("ID004", "supervisor")]


def test_T4_nobody_is_in_two_rooms_in_one_session_and_the_load_is_shared():
    cards = [card(n) for n in range(1, 9)]
    staff = domain.dispatch([slot(room="R01"), slot(room="R02"), slot("PM", "R01")], cards,
                            D("2026-12-05"))
    am = [s["id_number"] for s in staff if s["session"] == "AM"]
    assert len(am) == len(set(am)) == 8
    pm = [s["id_number"] for s in staff if s["session"] == "PM"]
    assert len(set(pm)) == 4
    with pytest.raises(RuleViolation) as err:
        domain.dispatch([slot(room="R01"), slot(room="R02")], cards[:7], D("2026-12-05"))
    assert err.value.code == "ASSESSORS_SHORT" and err.value.rule == "T4"
    assert err.value.details["short"] == [{"session": "AM", "room": "R02", "project": "p",
                                           "qualified": 3}]


def test_T4_no_assessor_from_a_unit_with_candidates_in_the_room():
    cards = [card(1, unit="四川省科教兴川促进会")] + [card(n) for n in range(2, 6)]
    staff = domain.dispatch([slot(units=["四川省 科教兴川促进会"])], cards, D("2026-12-05"))
    assert "ID001" not in {s["id_number"] for s in staff}
    assert domain.unit_key("ＡＢＣ 公司") == domain.unit_key("abc公司")


# --- tickets (T1) ---------------------------------------------------------------------

def test_T1_institutions_hand_out_tickets_two_working_days_before_the_exam():
    assert domain.hand_out_by(D("2026-12-05")) == D("2026-12-03")    # exam on a Saturday
    assert domain.check_institution_printing(BATCH_2026_12, D("2026-11-30")) is False
    assert domain.check_institution_printing(BATCH_2026_12, D("2026-12-04")) is True   # late
    with pytest.raises(RuleViolation):
        domain.check_institution_printing(BATCH_2026_12, D("2026-11-29"))


def test_T1_individuals_download_inside_the_ticket_window_only():
    domain.check_ticket_window(BATCH_2026_12, D("2026-11-30"))
    domain.check_ticket_window(BATCH_2026_12, D("2026-12-04"))
    with pytest.raises(RuleViolation) as err:
        domain.check_ticket_window(BATCH_2026_12, D("2026-12-05"))
    assert err.value.code == "TICKET_WINDOW_CLOSED" and err.value.rule == "T1"


def test_T2_the_ticket_rules_name_the_batchs_accepted_documents():
    assert "第二代居民身份证" in domain.ticket_rules(["resident_id_card_2g"])[0]
    assert "社会保障卡" in domain.ticket_rules(["resident_id_card_2g", "social_security_card"])[0]


# --- check-in (T2) ----------------------------------------------------------------------

ID = "110101199003074514"


def doc(type_="resident_id_card_2g", number=ID, expires="2030-01-01"):
    return {"type": type_, "number": number, "expires_on": D(expires) if expires else None}


def test_T2_check_in_takes_the_candidates_own_valid_second_generation_card_on_the_day():
    exam = D("2026-12-05")
    domain.check_document(BATCH_2026_12, doc(), ID, exam)
    cases = [
        (doc(), D("2026-12-04"), "CHECK_IN_NOT_TODAY", RuleViolation),
        (doc("social_security_card"), exam, "ID_DOCUMENT_NOT_ACCEPTED", RuleViolation),
        (doc("resident_id_card_1g"), exam, "ID_DOCUMENT_NOT_ACCEPTED", RuleViolation),
        (doc(number="110101199003070015"), exam, "ID_MISMATCH", Forbidden),
        (doc(expires="2026-12-04"), exam, "ID_DOCUMENT_EXPIRED", RuleViolation),
    ]
    for document, today, code, kind in cases:
        with pytest.raises(kind) as err:
            domain.check_document(BATCH_2026_12, document, ID, today)
        assert (err.value.code, err.value.rule) == (code, "T2")
    batch_2024 = dict(BATCH_2026_12, accepted_id_documents=["resident_id_card_2g",
                                                            "social_security_card"])
    domain.check_document(batch_2024, doc("social_security_card"), ID, exam)


# --- scores (T4) ------------------------------------------------------------------------

def test_T4_scores_are_0_to_100_with_one_decimal():
    assert domain.parse_score("78.5") == 785 and domain.parse_score(100) == 1000
    with pytest.raises(RuleViolation) as err:
        domain.parse_score("100.5")
    assert err.value.code == "SCORE_OUT_OF_RANGE" and err.value.rule == "T4"
    with pytest.raises(RuleViolation):
        domain.parse_score("-1")
    with pytest.raises(ValidationFailed):
        domain.parse_score("78.25")
    with pytest.raises(ValidationFailed):
        domain.parse_score("abc")


def test_T4_final_score_is_half_computer_half_mean_practical_and_pass_is_60():
    assert domain.final_score(800, [600, 700, 800]) == 750
    assert domain.final_score(595, [600, 600, 601]) == 598       # 59.8: 59.75 rounds up
    assert domain.final_score(600, [600, 600, 600]) == 600
    assert domain.passed(600) and not domain.passed(599) and not domain.passed(None)


def test_T4_the_score_sheet_layout_with_english_or_chinese_headers():
    sheet = "\ufeff准考证号,姓名,身份证号,成绩\n2612001001001,张三,110101199003074514,88.5\n\n"
    assert domain.parse_score_sheet(sheet) == [{
        "ticket_number": "2612001001001", "id_number": "110101199003074514", "name": "张三",
        "score": 885, "line": 2}]
    with pytest.raises(ValidationFailed) as err:
        domain.parse_score_sheet("ticket_number,name,score\n")
    assert err.value.code == "SCORE_SHEET_HEADER"
    twice = "ticket_number,id_number,name,score\n1,a,b,60\n1,a,b,61\n"
    with pytest.raises(Conflict) as err:
        domain.parse_score_sheet(twice)
    assert err.value.code == "SCORE_SHEET_DUPLICATE" and err.value.details["line"] == 3
    with pytest.raises(RuleViolation) as err:
        domain.parse_score_sheet("ticket_number,id_number,name,score\n1,a,b,101\n")
    assert err.value.details["line"] == 2 and err.value.field == "csv"


# --- publication (T5) -------------------------------------------------------------------

def test_T5_published_5_working_days_after_the_exam_for_5_working_days():
    assert domain.publication_period(D("2026-12-05")) == (D("2026-12-11"), D("2026-12-17"))
    # National Day: the exam of 2026-09-26 (Saturday) -> 5 working days skip the holiday
    first, last = domain.publication_period(D("2026-09-26"))
    assert first > D("2026-10-02") and last > first
    with pytest.raises(RuleViolation) as err:
        domain.check_objection_window((D("2026-12-11"), D("2026-12-17")), D("2026-12-18"))
    assert err.value.rule == "T5"
    assert domain.result_label(True, None) == "缺考" and domain.result_label(False, 600) == "合格"


def test_T4_a_room_counts_only_when_every_present_candidate_has_all_three_assessors_scores():
    parts = {"a": {("computer", ""): 700, ("practical", "X"): 600, ("practical", "Y"): 600,
                   ("practical", "Z"): 610},
             "b": {("computer", ""): 500, ("practical", "X"): 500}}
    with pytest.raises(RuleViolation) as err:
        domain.room_results(["a", "b"], ["X", "Y", "Z"], parts)
    assert err.value.code == "SCORES_INCOMPLETE" and err.value.details["missing"] == [
        {"application_id": "b", "computer": True, "practical": 1}]
    assert domain.room_results(["a"], ["X", "Y", "Z"], parts) == {"a": 652}
    assert domain.public_list_csv([{"ticket_number": "1", "name": "张三", "id_number": "510104**",
                                    "project": "商业数据分析", "score": None,
                                    "result": "缺考"}]).splitlines()[1] == \
        "1,1,张三,510104**,商业数据分析,,缺考"
