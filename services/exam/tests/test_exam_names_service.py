"""Exam: a candidate's name is normalised (kernel.names) when it arrives and when
it is looked up (tickets, objections), and the published list masks ID numbers
with kernel.privacy (T1, T5)."""
import pytest

from kernel.errors import ValidationFailed

from exam import testing as t

DOTTED = "阿依古丽•买买提 "          # as payment's event may carry it


def test_T1_ticket_found_by_a_name_typed_with_another_middle_dot(
        exam, registration, play, rpc, start_exam, monkeypatch):
    original = t.person
    monkeypatch.setattr(t, "person", lambda n: (DOTTED, original(n)[1]) if n == 0
                        else original(n))
    cands = play.seat(12, photo=play.photo(5))
    me = cands[0]
    start_exam(t.TICKET_DAY)
    for typed in ("阿依古丽·买买提", "阿依古丽・买买提", "阿依古丽.买买提", " 阿依古丽 ･ 买买提"):
        answer = rpc.exam.download_ticket(me["id_number"], typed)
        assert len(answer["tickets"]) == 1, typed
    with pytest.raises(ValidationFailed) as err:
        rpc.exam.download_ticket(me["id_number"], "阿依古丽\u202e买买提")
    assert err.value.field == "name"
    roster = {c["application_id"]: c for c in rpc.exam.get_roster(t.BATCH)["candidates"]}
    assert roster[me["application_id"]]["name"] == "阿依古丽·买买提"
