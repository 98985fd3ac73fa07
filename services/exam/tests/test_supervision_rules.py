"""Unit tests of exam.domain.supervision: the quality supervisor (质量督导员, 002 二(九))
and the assessors' meeting (考评工作会, 002 二(八)) of a session (T4)."""
from datetime import datetime, timedelta

import pytest

from kernel.errors import Conflict, Forbidden, RuleViolation

from exam.domain import supervision

SUP = {"name": "督导员甲", "id_number": "110101197001010011", "unit": "省职鉴中心"}
ASSESSORS = ["110101198001010012", "110101198001010020"]


def test_T4_the_supervisor_is_the_centers_not_an_assessor_SUPERVISOR_IS_ASSESSOR():
    supervision.check_supervisor(SUP, ASSESSORS, None)
    with pytest.raises(RuleViolation) as err:
        supervision.check_supervisor(dict(SUP, id_number=ASSESSORS[0]), ASSESSORS, None)
    assert (err.value.code, err.value.rule) == ("SUPERVISOR_IS_ASSESSOR", "T4")
    with pytest.raises(Conflict) as err:                     # recorded: the supervisor stays
        supervision.check_supervisor(SUP, ASSESSORS, {"record": "x"})
    assert err.value.code == "SUPERVISION_RECORDED"


def test_T4_only_the_dispatched_supervisor_signs_the_record_once():
    with pytest.raises(RuleViolation) as err:
        supervision.check_supervision(None, SUP["id_number"], None, "全程无异常")
    assert (err.value.code, err.value.rule) == ("SUPERVISOR_NOT_ASSIGNED", "T4")
    with pytest.raises(Forbidden) as err:
        supervision.check_supervision(SUP, ASSESSORS[0], None, "全程无异常")
    assert (err.value.code, err.value.rule) == ("SUPERVISION_NOT_BY_SUPERVISOR", "T4")
    assert supervision.check_supervision(SUP, SUP["id_number"], None, "全程无异常") is False
    assert supervision.check_supervision(SUP, SUP["id_number"], {"record": "全程无异常"},
                                         "全程无异常") is True        # a repeat
    with pytest.raises(Conflict) as err:
        supervision.check_supervision(SUP, SUP["id_number"], {"record": "全程无异常"}, "另一份")
    assert err.value.code == "SUPERVISION_RECORDED"


def test_T4_no_certificate_basis_without_supervision_the_unsupervised_sessions():
    assert supervision.unsupervised({"AM", "PM"}, {"AM": {}}) == ["PM"]
    assert supervision.unsupervised({"AM"}, {"AM": {}}) == []


def test_T4_the_assessors_meeting_is_before_the_session_with_its_assessors():
    starts = datetime(2026, 12, 5, 9, 0)
    people = [{"id_number": a} for a in ASSESSORS]
    supervision.check_meeting(starts - timedelta(hours=1), starts, people, ASSESSORS)
    with pytest.raises(RuleViolation) as err:
        supervision.check_meeting(starts, starts, people, ASSESSORS)
    assert (err.value.code, err.value.rule) == ("MEETING_AFTER_START", "T4")
    with pytest.raises(RuleViolation) as err:
        supervision.check_meeting(starts - timedelta(hours=1), starts, people[:1], ASSESSORS)
    assert (err.value.code, err.value.details) == ("MEETING_ASSESSORS_ABSENT", {"missing": 1})
