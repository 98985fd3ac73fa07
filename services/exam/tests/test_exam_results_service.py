"""Service tests over the real broker and database: scores (T4: the computer-based
exam's score by CSV, is the score; a project with an on-site practical part
scored by three assessors and combined as its setting says), the score summary
sheet (成绩汇总表: totals, export, the checker, the scan, the archive), the
session's quality supervision and assessors' meeting, and publication (T5: the
public list, objections, result_finalized once, only for supervised sessions)."""
import base64
import io

import pytest
from openpyxl import load_workbook

from kernel import idnumber, privacy
from kernel.errors import Conflict, Forbidden, RuleViolation
from kernel.testing import EventTap, sample_scan, wait_until

from exam import testing as t

SUPERVISOR = {"name": "督导员甲", "id_number": idnumber.parse(
    t.sample_id_number("19700101", seq=90)).number, "unit": "四川省职业技能鉴定指导中心"}
CHECKER = {"checker": "核分员王", "checker_id_number": t.sample_id_number("19750101", seq=91)}


def examine(play, rpc, start_exam, photo):
    cands = play.seat(12, photo=photo)
    play.cards([t.card(n) for n in range(1, 4)])
    staff = rpc.exam.dispatch_assessors({"batch_code": t.BATCH})["session_rooms"][0]
    seats = play.seats()
    start_exam(t.EXAM_DAY)
    for c in cands[:11]:
        rpc.exam.check_in({"ticket_number": seats[c["application_id"]]["ticket_number"],
                           "document": {"type": "resident_id_card_2g",
                                        "number": c["id_number"]}})
    return cands, seats, [a["id_number"] for a in staff["assessors"]], staff


@pytest.fixture
def examined(exam, play, rpc, start_exam):
    """12 individual candidates in room R1 (morning), three assessors dispatched,
    11 checked in on the exam day; returns (confirmations, seats by application,
    the assessors' ID numbers, the session-room's staff). No tickets here, so no
    photo is needed."""
    return examine(play, rpc, start_exam, "0" * 64)


@pytest.fixture
def examined_with_photos(exam, registration, play, rpc, start_exam):
    """The same with real photos in registration (result_finalized carries a pass's)."""
    return examine(play, rpc, start_exam, play.photo())


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


ROOM = {"batch_code": t.BATCH, "session_code": "AM", "room_code": "R1"}


def total(rpc):
    return rpc.exam.total_scores(dict(ROOM, recorder="记录员李", overseer="监督员赵"))


def scan(rpc):
    return rpc.exam.upload_summary_scan({"content_base64": base64.b64encode(
        sample_scan(3)).decode(), "filename": "成绩汇总表.jpg"}, "考务")["hash"]


def check(rpc, approve=True, **extra):
    return rpc.exam.verify_scores(dict(ROOM, **dict(CHECKER, approve=approve, **extra)))


def supervise(rpc, session="AM"):
    key = {"batch_code": t.BATCH, "session_code": session}
    rpc.exam.assign_supervisor(dict(key, supervisor=SUPERVISOR, assigned_by="省职鉴中心考务科"))
    return rpc.exam.record_supervision(dict(key, record="考核全过程现场督导，未见违规。",
                                            signed_by=SUPERVISOR))


def test_T4_computer_exam_score_is_the_score_through_the_summary_sheet(examined, rpc):
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

    with pytest.raises(RuleViolation) as err:                  # nothing to total yet
        total(rpc)
    assert (err.value.code, len(err.value.details["missing"])) == ("SCORES_INCOMPLETE", 11)
    done = computer(rpc, sheet(present, seats))                # 70 .. 80
    assert (done["recorded"], done["repeated"]) == (11, 0)
    assert computer(rpc, sheet(present, seats))["repeated"] == 11       # the same sheet again
    with pytest.raises(Conflict) as err:                       # a second sheet, other scores
        computer(rpc, sheet(present[:2], seats, score=lambda n: 99))
    assert err.value.code == "SCORE_ALREADY_RECORDED"
    rows = [{"ticket_number": ticket[c["application_id"]], "score": 60} for c in present]
    with pytest.raises(RuleViolation) as err:                  # 智能化上机考核: no practical part
        practical(rpc, assessors[0], rows)
    assert (err.value.code, err.value.rule) == ("NO_PRACTICAL_PART", "T4")

    with pytest.raises(RuleViolation) as err:                  # the recorder totals first
        check(rpc, scan=scan(rpc))
    assert (err.value.code, err.value.rule) == ("SUMMARY_NOT_TOTALLED", "T4")
    totalled = total(rpc)
    assert (totalled["status"], totalled["results"], totalled["totalled"]["overseer"]) == (
        "totalled", 11, "监督员赵")

    exported = rpc.exam.export_score_summary(t.BATCH, "AM", "R1")
    assert exported["filename"].endswith(".xlsx")
    ws = load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))["成绩汇总表"]
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    assert table[2] == ["序号", "准考证号", "姓名", "身份证号", "考核项目", "上机考核成绩",
                        "最终成绩", "考生签名"]
    mine = next(r for r in table if r[1] == ticket[present[0]["application_id"]])
    assert (mine[4], mine[5], mine[6], mine[7]) == ("大数据运行平台搭建", 70, 70, None)
    assert next(r for r in table if r[1] == ticket[absent["application_id"]])[6] == "缺考"
    assert [r[0] for r in table[-4:]] == ["记录员（签字）", "监督人员（签字）", "核分员（签字）",
                                         "考核组织机构（盖章）"]

    with pytest.raises(Forbidden) as err:                      # an assessor does not check
        check(rpc, checker_id_number=assessors[1], scan=scan(rpc))
    assert (err.value.code, err.value.rule) == ("SCORE_CHECKER_IS_ASSESSOR", "T4")
    with pytest.raises(RuleViolation) as err:
        check(rpc)
    assert (err.value.code, err.value.rule) == ("SUMMARY_SCAN_REQUIRED", "T4")
    with pytest.raises(RuleViolation) as err:
        check(rpc, scan="f" * 64)
    assert err.value.code == "SUMMARY_SCAN_NOT_FOUND"
    with pytest.raises(RuleViolation) as err:
        rpc.exam.upload_summary_scan({"content_base64": base64.b64encode(b"GIF89a").decode()})
    assert (err.value.code, err.value.rule) == ("FILE_TYPE", "T4")
    with pytest.raises(RuleViolation) as err:
        rpc.exam.archive_score_summary(dict(ROOM, archived_by="档案员"))
    assert err.value.code == "SUMMARY_NOT_CHECKED"
    assert rpc.exam.run_publication(today=t.PUBLICATION_DAY)["blocked"][0][
        "reason"] == "scores not verified"

    verified = check(rpc, scan=scan(rpc), note="核分无误")
    assert (verified["status"], verified["results"], verified["passed"]) == ("verified", 11, 11)
    with pytest.raises(Conflict):
        computer(rpc, sheet(present, seats))                   # checked: no more changes
    with pytest.raises(Conflict) as err:
        total(rpc)
    assert err.value.code == "SCORES_VERIFIED"
    scores = {c["application_id"]: c for c in rpc.exam.get_scores(t.BATCH)["candidates"]}
    first = scores[present[0]["application_id"]]
    assert (first["computer"], first["result"]["final"], first["result"]["passed"]) == (
        70, 70, True)                                          # the exam system's score
    assert scores[absent["application_id"]]["result"] is None

    archived = rpc.exam.archive_score_summary(dict(ROOM, archived_by="档案员", location="档案室3柜"))
    assert (archived["status"], archived["archived"]["by"]) == ("archived", "档案员")
    assert archived["archived"]["at"] and archived["checked"]["checker"] == "核分员王"
    assert "id_number" not in archived["checked"]
    with pytest.raises(Conflict) as err:
        rpc.exam.archive_score_summary(dict(ROOM, archived_by="档案员"))
    assert err.value.code == "SUMMARY_ARCHIVED"
    assert rpc.exam.get_score_summary(t.BATCH, "AM", "R1")["status"] == "archived"


def test_T4_a_practical_part_is_scored_by_three_assessors_combined_as_the_setting_says(
        examined, rpc, start_exam):
    cands, seats, assessors, staff = examined
    start_exam(t.EXAM_DAY, EXAM_PROJECT_ASSESSMENT=t.practical_assessment())
    present = cands[:11]
    ticket = {c["application_id"]: seats[c["application_id"]]["ticket_number"] for c in cands}
    computer(rpc, sheet(present, seats))                       # 70 .. 80
    rows = [{"ticket_number": ticket[c["application_id"]], "score": 60 + n}
            for n, c in enumerate(present)]
    with pytest.raises(Forbidden) as err:                      # not dispatched there
        practical(rpc, SUPERVISOR["id_number"], rows)
    assert (err.value.code, err.value.rule) == ("NOT_DISPATCHED", "T4")
    with pytest.raises(RuleViolation) as err:
        practical(rpc, assessors[0], rows[:-1] + [{"ticket_number": rows[-1]["ticket_number"],
                                                   "score": "-5"}])
    assert err.value.code == "SCORE_OUT_OF_RANGE" and err.value.field == "scores.10.score"
    practical(rpc, assessors[0], rows)
    with pytest.raises(RuleViolation) as err:                  # two assessors missing
        total(rpc)
    assert err.value.code == "SCORES_INCOMPLETE" and len(err.value.details["missing"]) == 11
    practical(rpc, assessors[1], rows)
    practical(rpc, assessors[2], [dict(r, score=r["score"] + 1) for r in rows])
    rejected = check(rpc, approve=False, note="第3号漏签")
    assert rejected["status"] == "rejected" and rejected["cleared"] == 44
    computer(rpc, sheet(present, seats))
    for n, assessor in enumerate(assessors):
        practical(rpc, assessor, [dict(r, score=r["score"] + (n == 2)) for r in rows])
    total(rpc)
    ws = load_workbook(io.BytesIO(base64.b64decode(rpc.exam.export_score_summary(
        t.BATCH, "AM", "R1")["content_base64"])))["成绩汇总表"]
    header = [c.value for c in ws[3]]
    assert header[6:9] == [f"实操评分（{a['name']}）" for a in staff["assessors"]]
    verified = check(rpc, scan=scan(rpc))
    assert (verified["status"], verified["results"]) == ("verified", 11)
    with pytest.raises(Conflict):
        practical(rpc, assessors[0], rows)                     # checked: no more changes
    first = {c["application_id"]: c for c in rpc.exam.get_scores(t.BATCH)["candidates"]}[
        present[0]["application_id"]]
    # the setting: mean of the three, computer weight 1/2: 0.5 x 70 + 0.5 x 60.33 -> 65.2
    assert (first["computer"], first["result"]["final"], first["result"]["passed"]) == (
        70, 65.2, True)


def test_T4_the_centers_supervisor_and_the_assessors_meeting_are_recorded_with_the_session(
        examined, rpc):
    cands, seats, assessors, staff = examined
    key = {"batch_code": t.BATCH, "session_code": "AM"}
    with pytest.raises(RuleViolation) as err:
        rpc.exam.record_supervision(dict(key, record="x", signed_by=SUPERVISOR))
    assert (err.value.code, err.value.rule) == ("SUPERVISOR_NOT_ASSIGNED", "T4")
    with pytest.raises(RuleViolation) as err:                  # not from the assessors
        rpc.exam.assign_supervisor(dict(key, supervisor=dict(
            SUPERVISOR, id_number=assessors[0]), assigned_by="省职鉴中心"))
    assert (err.value.code, err.value.rule) == ("SUPERVISOR_IS_ASSESSOR", "T4")
    rpc.exam.assign_supervisor(dict(key, supervisor=SUPERVISOR, assigned_by="省职鉴中心"))
    with pytest.raises(Forbidden) as err:
        rpc.exam.record_supervision(dict(key, record="x", signed_by={
            "name": "某人", "id_number": assessors[0]}))
    assert (err.value.code, err.value.rule) == ("SUPERVISION_NOT_BY_SUPERVISOR", "T4")
    signed = supervise(rpc)
    assert signed["supervision"]["name"] == "督导员甲" and signed["supervision"]["at"]
    assert "id_number" not in signed["supervision"]

    meeting = dict(key, held_at="2026-12-05T08:00:00+08:00", standard="按试卷评分标准统一评分",
                   roles="三名考评员分别独立评分，记录员汇总", process="签到、考核、评分、汇总",
                   told_to_candidates="考前在考场宣读并张贴", recorded_by="考务",
                   attendees=[{"name": a["name"], "id_number": a["id_number"], "role": "考评员"}
                              for a in staff["assessors"]])
    with pytest.raises(RuleViolation) as err:
        rpc.exam.record_assessor_meeting(dict(meeting, held_at="2026-12-05T09:30:00+08:00"))
    assert (err.value.code, err.value.rule) == ("MEETING_AFTER_START", "T4")
    with pytest.raises(RuleViolation) as err:
        rpc.exam.record_assessor_meeting(dict(meeting, attendees=meeting["attendees"][:2]))
    assert err.value.code == "MEETING_ASSESSORS_ABSENT"
    rpc.exam.record_assessor_meeting(meeting)
    details = rpc.exam.get_session(t.BATCH, "AM")
    assert (details["starts"], details["supervisor"]["name"]) == ("09:00", "督导员甲")
    assert details["meeting"]["standard"] == "按试卷评分标准统一评分"
    assert [a["name"] for a in details["meeting"]["attendees"]] == [
        a["name"] for a in staff["assessors"]]
    assert all(a["id_number"] not in str(details) for a in staff["assessors"])


def test_T5_a_finalization_larger_than_a_chunk_goes_out_whole_through_the_timer(
        examined_with_photos, rpc, amqp_uri, monkeypatch):
    """jobs.FINALIZE_CHUNK results per unit of work: the staff's call sends the
    first chunk and says how many are left; finish_finalization sends the rest,
    each result once, and the batch's finalization ends."""
    from exam import jobs
    monkeypatch.setattr(jobs, "FINALIZE_CHUNK", 5)
    cands, seats, _, _ = examined_with_photos
    computer(rpc, sheet(cands[:11], seats))
    total(rpc)
    check(rpc, scan=scan(rpc))
    supervise(rpc)
    rpc.exam.run_publication(today=t.PUBLICATION_DAY)
    with EventTap(amqp_uri, "exam") as tap:
        out = rpc.exam.run_publication(today=t.AFTER_PUBLICATION)
        assert out["finalized"] == {t.BATCH: {"sent": 5, "held": 0, "remaining": 7}}
        finalized = tap.wait_for("result_finalized", count=12)
        assert wait_until(lambda: len(tap.of_type("result_finalized")) == 12 and
                          rpc.exam.run_publication(today=t.AFTER_PUBLICATION)["finalized"]
                          == {})
    assert sorted(e["payload"]["application_id"] for e in finalized) == sorted(
        c["application_id"] for c in cands)                        # each once


def test_T5_results_published_objections_hold_and_result_finalized_once(
        examined_with_photos, rpc, amqp_uri, start_exam):
    cands, seats, assessors, _ = examined_with_photos
    present = cands[:11]
    computer(rpc, sheet(present, seats, score=lambda n: 40 + 5 * n))        # 40 .. 90
    total(rpc)
    check(rpc, scan=scan(rpc))

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
        out = rpc.exam.run_publication(today=t.AFTER_PUBLICATION)   # 002 二(九): no record,
        assert out["finalized"] == {t.BATCH: {"sent": 0, "held": 1,  # no certificate basis
                                              "unsupervised": ["AM"]}}
        supervise(rpc)
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
    photo = base64.b64decode(mine.pop("photo_base64"))
    assert rpc.registration.get_material(mine["photo"])["content_base64"] == \
        base64.b64encode(photo).decode()
    signed = mine.pop("supervision")
    assert signed["name"] == "督导员甲" and signed["at"]
    assert mine == {"application_id": present[0]["application_id"], "batch_code": t.BATCH,
                    "project_code": t.PROJECT, "id_number": present[0]["id_number"],
                    "name": present[0]["name"], "passed": True, "score": 62,
                    "exam_date": t.EXAM_DAY, "roster_status": "confirmed", "sex": "M",
                    "channel": "individual", "institution_code": None,
                    "project_name": "大数据运行平台搭建", "photo": mine["photo"]}
    absent = next(e["payload"] for e in finalized
                  if e["payload"]["application_id"] == cands[11]["application_id"])
    assert (absent["passed"], absent["score"], absent.get("photo_base64")) == (False, None, None)

    start_exam(t.AFTER_PUBLICATION)
    with pytest.raises(RuleViolation) as err:
        rpc.exam.lodge_objection({"batch_code": t.BATCH, "reason": "late",
                                  "id_number": present[1]["id_number"],
                                  "name": present[1]["name"]})
    assert (err.value.code, err.value.rule) == ("OBJECTION_WINDOW_CLOSED", "T5")
