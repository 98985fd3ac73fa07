"""Service tests over the real broker and database: scores (T4: the computer part
by CSV, three assessors' practical scores, the score checker's verification)
and publication (T5: the public list, objections, result_finalized once)."""
import pytest

from kernel import idnumber, privacy
from kernel.errors import Conflict, Forbidden, RuleViolation
from kernel.testing import EventTap

from exam import testing as t


@pytest.fixture
def examined(exam, play, rpc, start_exam):
    """12 individual candidates in room R1 (morning), dispatched, 11 checked in on
    the exam day; returns (confirmations, seats by application, the assessors' ID
    numbers, the session-room's staff). No tickets here, so no photo is needed."""
    cands = play.seat(12, photo="0" * 64)
    play.cards([t.card(n) for n in range(1, 5)])
    staff = rpc.exam.dispatch_assessors({"batch_code": t.BATCH})["session_rooms"][0]
    seats = play.seats()
    start_exam(t.EXAM_DAY)
    for c in cands[:11]:
        rpc.exam.check_in({"ticket_number": seats[c["application_id"]]["ticket_number"],
                           "document": {"type": "resident_id_card_2g",
                                        "number": c["id_number"]}})
    return cands, seats, [a["id_number"] for a in staff["assessors"]], staff


def sheet(cands, seats, score=lambda n: 70 + n):
    return t.score_csv([(seats[c["application_id"]]["ticket_number"], c["id_number"],
                         c["name"], score(n)) for n, c in enumerate(cands)])


def computer(rpc, csv_text, **extra):
    return rpc.exam.import_computer_scores(dict({
        "batch_code": t.BATCH, "session_code": "AM", "csv": csv_text,
        "filename": "AM.csv", "recorded_by": "记录员"}, **extra))


def practical(rpc, assessor, rows, room="R1"):
    return rpc.exam.record_practical_scores({
        "batch_code": t.BATCH, "session_code": "AM", "room_code": room,
        "assessor_id_number": assessor, "scores": rows})


def test_T4_scores_are_imported_scored_by_three_assessors_and_verified(examined, rpc):
    cands, seats, assessors, staff = examined
    present, absent = cands[:11], cands[11]
    ticket = {c["application_id"]: seats[c["application_id"]]["ticket_number"] for c in cands}

    bad = [(sheet(present, seats, score=lambda n: 101 if n == 3 else 80), "SCORE_OUT_OF_RANGE"),
           (sheet(present + [absent], seats), "CANDIDATE_ABSENT"),
           (sheet(present, seats) + "2612009999999,110101199003074514,某人,60\n",
            "CANDIDATE_NOT_IN_SESSION"),
           (sheet(present, seats) + sheet(present[:1], seats).split("\n", 1)[1],
            "SCORE_SHEET_DUPLICATE")]
    for text, code in bad:
        with pytest.raises((RuleViolation, Conflict)) as err:
            computer(rpc, text)
        assert err.value.code == code and err.value.rule == "T4"
    assert all(c["computer"] is None for c in rpc.exam.get_scores(t.BATCH)["candidates"])

    done = computer(rpc, sheet(present, seats))                # 70 .. 80
    assert (done["recorded"], done["repeated"]) == (11, 0)
    assert computer(rpc, sheet(present, seats))["repeated"] == 11       # the same sheet again
    with pytest.raises(Conflict) as err:                       # a second sheet, other scores
        computer(rpc, sheet(present[:2], seats, score=lambda n: 99))
    assert err.value.code == "SCORE_ALREADY_RECORDED"

    rows = [{"ticket_number": ticket[c["application_id"]], "score": 60 + n}
            for n, c in enumerate(present)]
    with pytest.raises(Forbidden) as err:                      # the supervisor does not score
        practical(rpc, staff["supervisor"]["id_number"], rows)
    assert (err.value.code, err.value.rule) == ("NOT_DISPATCHED", "T4")
    with pytest.raises(RuleViolation) as err:
        practical(rpc, assessors[0], rows[:-1] + [{"ticket_number": rows[-1]["ticket_number"],
                                                   "score": "-5"}])
    assert err.value.code == "SCORE_OUT_OF_RANGE" and err.value.field == "scores.10.score"
    practical(rpc, assessors[0], rows)

    verify = {"batch_code": t.BATCH, "session_code": "AM", "room_code": "R1",
              "checker": "核分员王", "approve": True}
    with pytest.raises(RuleViolation) as err:                  # two assessors missing
        rpc.exam.verify_scores(verify)
    assert err.value.code == "SCORES_INCOMPLETE" and len(err.value.details["missing"]) == 11
    practical(rpc, assessors[1], rows)
    practical(rpc, assessors[2], [dict(r, score=r["score"] + 1) for r in rows])
    rejected = rpc.exam.verify_scores(dict(verify, approve=False, note="第3号漏签"))
    assert rejected["status"] == "rejected" and rejected["cleared"] == 44
    computer(rpc, sheet(present, seats))
    for n, assessor in enumerate(assessors):
        practical(rpc, assessor, [dict(r, score=r["score"] + (n == 2)) for r in rows])
    assert rpc.exam.run_publication(today=t.PUBLICATION_DAY)["blocked"][0][
        "reason"] == "scores not verified"
    verified = rpc.exam.verify_scores(verify)
    assert (verified["status"], verified["results"]) == ("verified", 11)
    with pytest.raises(Conflict):
        practical(rpc, assessors[0], rows)                     # verified: no more changes
    scores = {c["application_id"]: c for c in rpc.exam.get_scores(t.BATCH)["candidates"]}
    first = scores[present[0]["application_id"]]
    # computer 70, practical 60, 60, 61 -> 0.5 x 70 + 0.5 x 60.33 = 65.17 -> 65.2
    assert (first["computer"], first["result"]["final"], first["result"]["passed"]) == (
        70, 65.2, True)
    assert scores[absent["application_id"]]["result"] is None


def test_T5_results_published_objections_hold_and_result_finalized_once(
        examined, registration, rpc, amqp_uri, start_exam):     # registration: project names
    cands, seats, assessors, _ = examined
    present = cands[:11]
    computer(rpc, sheet(present, seats, score=lambda n: 40 + 5 * n))        # 40 .. 90
    rows = [{"ticket_number": seats[c["application_id"]]["ticket_number"], "score": 40 + 5 * n}
            for n, c in enumerate(present)]
    for a in assessors:
        practical(rpc, a, rows)
    rpc.exam.verify_scores({"batch_code": t.BATCH, "session_code": "AM", "room_code": "R1",
                            "checker": "核分员王", "approve": True})

    assert rpc.exam.run_publication(today="2026-12-10")["published"] == []   # 4 working days
    with EventTap(amqp_uri, "exam") as tap:
        out = rpc.exam.run_publication(today=t.PUBLICATION_DAY)
        assert out["published"] == [{"batch_code": t.BATCH, "starts_on": "2026-12-11",
                                     "ends_on": "2026-12-17", "candidates": 12}]
        assert rpc.exam.run_publication(today=t.PUBLICATION_DAY)["published"] == []
        [published] = tap.wait_for("results_published")
    assert published["payload"]["ends_on"] == "2026-12-17"

    public = rpc.exam.public_results(t.BATCH)
    assert len(public["rows"]) == 12 and public["csv"].startswith("\ufeff序号,准考证号")
    by_name = {r["name"]: r for r in public["rows"]}
    me = by_name[present[0]["name"]]
    assert me["id_number"] == privacy.mask_id(present[0]["id_number"]) != present[0]["id_number"]
    assert present[0]["id_number"] not in public["csv"]
    assert (me["score"], me["result"], me["project"]) == (40, "不合格", "大数据运行平台搭建")
    assert by_name[present[4]["name"]]["result"] == "合格"                   # 60: pass
    assert by_name[cands[11]["name"]]["result"] == "缺考"

    start_exam(t.PUBLICATION_DAY)
    objection = rpc.exam.lodge_objection({"batch_code": t.BATCH, "reason": "实操成绩有误",
                                          "id_number": present[0]["id_number"],
                                          "name": present[0]["name"]})
    with pytest.raises(Conflict) as err:
        rpc.exam.lodge_objection({"batch_code": t.BATCH, "reason": "again",
                                  "id_number": present[0]["id_number"],
                                  "name": present[0]["name"]})
    assert (err.value.code, err.value.rule) == ("OBJECTION_OPEN", "T5")

    with EventTap(amqp_uri, "exam") as tap:
        assert rpc.exam.run_publication(today=t.PUBLICATION_LAST_DAY)["finalized"] == {}
        out = rpc.exam.run_publication(today=t.AFTER_PUBLICATION)
        assert out["finalized"] == {t.BATCH: {"sent": 11, "held": 1}}
        assert rpc.exam.run_publication(today=t.AFTER_PUBLICATION)["finalized"] == {
            t.BATCH: {"sent": 0, "held": 1}}
        rpc.exam.resolve_objection({"objection_id": objection["id"], "decision": "corrected",
                                    "final_score": 62, "actor": "考务部",
                                    "note": "复核: 实操分录入错误"})
        assert rpc.exam.run_publication(today=t.AFTER_PUBLICATION)["finalized"] == {
            t.BATCH: {"sent": 1, "held": 0}}
        assert rpc.exam.run_publication(today="2026-12-21")["finalized"] == {}   # all done
        finalized = tap.wait_for("result_finalized", count=12)
    assert len(finalized) == 12
    assert len({e["payload"]["application_id"] for e in finalized}) == 12    # once each
    mine = next(e["payload"] for e in finalized
                if e["payload"]["application_id"] == present[0]["application_id"])
    assert mine == {"application_id": present[0]["application_id"], "batch_code": t.BATCH,
                    "project_code": t.PROJECT, "id_number": present[0]["id_number"],
                    "name": present[0]["name"], "passed": True, "score": 62,
                    "exam_date": t.EXAM_DAY}
    absent = next(e["payload"] for e in finalized
                  if e["payload"]["application_id"] == cands[11]["application_id"])
    assert (absent["passed"], absent["score"]) == (False, None)

    start_exam(t.AFTER_PUBLICATION)
    with pytest.raises(RuleViolation) as err:
        rpc.exam.lodge_objection({"batch_code": t.BATCH, "reason": "late",
                                  "id_number": present[1]["id_number"],
                                  "name": present[1]["name"]})
    assert (err.value.code, err.value.rule) == ("OBJECTION_WINDOW_CLOSED", "T5")
