"""Unit tests of exam.domain.tickets: admission tickets (T1)."""
from datetime import date

import pytest

from kernel.errors import Forbidden, NotFound, RuleViolation

from exam import testing as t
from exam.domain import tickets

D = date.fromisoformat
BATCH_2026_12 = t.batch_2026_12()
ID = "110101199003074514"


def cand(app="a1", batch="2026-12", name="张三", institution=None):
    return {"application_id": app, "batch_code": batch, "name": name, "id_number": ID,
            "institution_code": institution, "project_code": "p"}


def test_T1_institutions_hand_out_tickets_two_working_days_before_the_exam():
    assert tickets.hand_out_by(D("2026-12-05")) == D("2026-12-03")    # exam on a Saturday
    assert tickets.check_institution_printing(BATCH_2026_12, D("2026-11-30")) is False
    assert tickets.check_institution_printing(BATCH_2026_12, D("2026-12-04")) is True   # late
    with pytest.raises(RuleViolation):
        tickets.check_institution_printing(BATCH_2026_12, D("2026-11-29"))


def test_T1_individuals_download_inside_the_ticket_window_only():
    tickets.check_ticket_window(BATCH_2026_12, D("2026-11-30"))
    tickets.check_ticket_window(BATCH_2026_12, D("2026-12-04"))
    with pytest.raises(RuleViolation) as err:
        tickets.check_ticket_window(BATCH_2026_12, D("2026-12-05"))
    assert err.value.code == "TICKET_WINDOW_CLOSED" and err.value.rule == "T1"


def test_T2_the_ticket_rules_name_the_batchs_accepted_documents():
    assert "第二代居民身份证" in tickets.ticket_rules(["resident_id_card_2g"])[0]
    assert "社会保障卡" in tickets.ticket_rules(["resident_id_card_2g", "social_security_card"])[0]


def test_T1_a_ticket_is_found_by_id_number_and_the_name_in_normal_form_TICKET_NOT_FOUND():
    assert tickets.named([cand(name="阿依古丽·买买提")], " 阿依古丽•买买提 ") == [
        cand(name="阿依古丽·买买提")]
    assert tickets.named([cand()], "李四") == []
    with pytest.raises(NotFound) as err:
        tickets.individual_tickets([], {}, D("2026-12-01"))
    assert (err.value.code, err.value.rule, err.value.field) == ("TICKET_NOT_FOUND", "T1",
                                                                 "id_number")


def test_T1_an_individual_downloads_the_tickets_whose_window_is_open():
    other = dict(BATCH_2026_12, code="2027-03", ticket={"start": D("2027-03-01"),
                                                        "end": D("2027-03-05")})
    batches = {"2026-12": BATCH_2026_12, "2027-03": other}
    both = [cand("a1"), cand("a2", batch="2027-03")]
    assert tickets.individual_tickets(both, batches, D("2026-12-01")) == [cand("a1")]
    with pytest.raises(RuleViolation) as err:            # the last batch's window is named
        tickets.individual_tickets(both, batches, D("2026-12-20"))
    assert err.value.code == "TICKET_WINDOW_CLOSED" and "2027-03" in err.value.message


def test_T1_an_institutions_candidate_gets_the_ticket_from_it_TICKET_VIA_INSTITUTION():
    with pytest.raises(Forbidden) as err:
        tickets.individual_tickets([cand(institution="inst-01")], {"2026-12": BATCH_2026_12},
                                   D("2026-12-01"))
    assert (err.value.code, err.value.rule) == ("TICKET_VIA_INSTITUTION", "T1")


def test_T1_an_institution_prints_for_its_confirmed_candidates_only_TICKET_NOT_FOUND():
    assert tickets.check_institution_candidates([cand()]) == [cand()]
    with pytest.raises(NotFound) as err:
        tickets.check_institution_candidates([])
    assert (err.value.code, err.value.rule, err.value.field) == ("TICKET_NOT_FOUND", "T1",
                                                                 "institution_code")


def test_T1_a_ticket_needs_a_seat_NOT_ARRANGED():
    tickets.check_seated(["a1"], {"a1": object()})
    with pytest.raises(RuleViolation) as err:
        tickets.check_seated(["a1", "a2", "a3"], {"a1": object()})
    assert (err.value.code, err.value.rule, err.value.details) == (
        "NOT_ARRANGED", "T1", {"unseated": ["a2", "a3"]})


def test_T1_the_ticket_page_says_who_when_where_and_the_rules():
    page = tickets.ticket_page(
        cand(institution="inst-01"), {"ticket_number": "2612001001001", "seat": "01"},
        BATCH_2026_12, {"label": "上午", "starts": "09:00", "ends": "11:00"},
        {"name": "第1考场", "location": "成都"}, "大数据平台搭建", "某培训学校", b"jpeg")
    assert (page["sex"], page["exam_date"], page["channel_label"]) == ("男", "2026年12月5日",
                                                                       "某培训学校")
    assert page["rules"] == tickets.ticket_rules(["resident_id_card_2g"])
    individual = tickets.ticket_page(cand(), {"ticket_number": "1", "seat": "01"},
                                     BATCH_2026_12, {"label": "", "starts": "", "ends": ""},
                                     {"name": "", "location": ""}, "", None, b"")
    assert individual["channel_label"] == "个人报名"
