"""End to end: one batch from confirmed payments to finalized results, with exam and
registration running on the real broker and their own databases. Review,
payment and assessor_training are played by publishing their events (the
brief's contracts); the exam service restarts on each date of batch 2026-12 it
needs (the same database). The admission tickets are read back from the PDF and
the public list from its CSV; registration ends with passed and failed."""
import base64
import csv
import io
import uuid

import pytest
from sqlalchemy import create_engine, delete

from kernel import idnumber, privacy
from kernel.documents import decode_qr, pdf_fonts, pdf_text, render_page
from kernel.errors import Forbidden
from kernel.testing import (EventTap, publish_event, sample_id_number, sample_photo,
                            sample_scan, wait_until)

from exam import testing as t
from exam.models import Profile
from registration.service import RegistrationService

from payment_helpers import application, approved, upload_materials

pytestmark = pytest.mark.e2e

PROJECT = "business-data-analysis"       # 商业数据分析: inst-02 may register for it
INSTITUTION = "inst-02"                  # 四川省科教兴川促进会
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞",
         "徐涛", "孙丽", "马超"]


@pytest.fixture
def cluster(container_factory, db_url_for, service_config, rpc):
    exam_url = db_url_for("exam")
    exam_on = t.exam_starter(container_factory, service_config, exam_url)
    exam_on("2026-11-02")
    registration = container_factory(RegistrationService, service_config(
        db_url_for("registration"), SKILLCERT_TODAY="2026-11-02"))   # registration window
    registration.start()
    rpc.registration.load_reference_data()
    rpc.exam.load_calendar()
    assert wait_until(lambda: len(rpc.registration.list_batches()) == 21, timeout=20)
    return {"exam_on": exam_on, "exam_url": exam_url}


def confirmation(app):
    """payment.payment_confirmed for a registration application (the brief's contract)."""
    return {"application_id": app["id"], "batch_code": app["batch_code"],
            "project_code": app["project_code"], "institution_code": app["institution_code"],
            "id_number": app["id_number"], "name": app["name"], "amount_fen": 20000,
            "submission_id": str(uuid.uuid4()), "confirmed_at": "2026-11-17T02:00:00+00:00",
            "actor": "财务A"}


def statuses(rpc, apps):
    return {a["id"]: rpc.registration.get_application(a["id"])["status"] for a in apps}


def test_B1_T1_T2_T3_T4_T5_one_batch_from_confirmed_payments_to_finalized_results(
        cluster, rpc, amqp_uri):
    # --- registration, review and payment: 12 paid (2 through inst-02), 1 abandoned ---
    materials = upload_materials(rpc, seed=71)
    own_photo = rpc.registration.upload_material({
        "purpose": "photo", "content_base64": base64.b64encode(sample_photo(72)).decode()})
    apps = []
    for n, name in enumerate(NAMES):
        via_institution = n in (10, 11)
        mine = dict(materials, photo=own_photo["hash"]) if n == 11 else materials
        apps.append(rpc.registration.submit_application(application(
            mine, t.BATCH, PROJECT, name, seq=700 + n,
            channel="institution" if via_institution else "individual",
            institution_code=INSTITUTION if via_institution else None)))
    for app in apps:
        publish_event(amqp_uri, "review", "application_approved", approved(app))
    assert wait_until(lambda: set(statuses(rpc, apps).values()) == {"approved"}, timeout=20)
    paid, gone = apps[:12], apps[12]
    for app in paid:
        publish_event(amqp_uri, "payment", "payment_confirmed", confirmation(app))
    publish_event(amqp_uri, "payment", "application_abandoned", {
        "application_id": gone["id"], "batch_code": t.BATCH, "project_code": PROJECT,
        "reason": "not confirmed in the payment window (P4)"})
    assert wait_until(lambda: statuses(rpc, apps) == dict(
        {a["id"]: "paid" for a in paid}, **{gone["id"]: "abandoned"}), timeout=20)
    assert wait_until(lambda: (lambda r: len(r["candidates"]) == 12
                               and r["profiles_known"] == 12)(
        rpc.exam.get_roster(t.BATCH)), timeout=20)
    # exam never saw one submission (as if it had started later): it asks registration
    engine = create_engine(cluster["exam_url"])
    with engine.begin() as conn:
        conn.execute(delete(Profile).where(Profile.application_id == apps[11]["id"]))
    engine.dispose()

    # --- B1 after the payment window; rooms; arrangement (T3) ---
    # registration's count_registrants timer sends 报名人数 within about a second
    # of the abandonment (13 -> 12): exam holds it before the window closes
    assert wait_until(lambda: rpc.exam.get_roster(t.BATCH, PROJECT)["projects"][0][
        "registrants"] == 12, timeout=20)
    exam_on = cluster["exam_on"]
    exam_on(t.AFTER_PAYMENT)
    decided = rpc.exam.close_rosters()["decided"]
    # B1: registration's 报名人数 (registrants_counted) reached exam with the payments
    assert decided == [{"batch_code": t.BATCH, "project_code": PROJECT, "status": "held",
                        "confirmed": 12, "registrants": 12}]
    rpc.exam.save_room(t.room("R1", 16, spacing="alternate", name="第一考场"))
    rpc.exam.save_room(t.room("R2", 8, name="第二考场"))
    assert rpc.exam.arrange({"batch_code": t.BATCH})["seated"] == 12
    seats = {s["application_id"]: s for s in rpc.exam.get_arrangement(t.BATCH)["seats"]}
    assert {seats[a["id"]]["room"] for a in paid[10:]} == {"R1", "R2"}   # inst-02 spread

    # --- assessor dispatch (T4) from assessor_training's cards ---
    cards = [t.card(n, projects=[PROJECT]) for n in range(1, 9)]
    cards.append(t.card(9, projects=[PROJECT], unit="四川省科教兴川促进会"))
    for card in cards:
        publish_event(amqp_uri, "assessor_training", "card_issued", card)
    assert wait_until(lambda: len(rpc.exam.list_cards()) == 9, timeout=20)
    staff = {s["room"]: s for s in
             rpc.exam.dispatch_assessors({"batch_code": t.BATCH})["session_rooms"]}
    assert set(staff) == {"R1", "R2"}
    dispatched = {p["id_number"] for s in staff.values() for p in s["assessors"]}
    assert len(dispatched) == 6 and cards[8]["id_number"] not in dispatched

    # --- admission tickets (T1), read back ---
    exam_on(t.TICKET_DAY)
    me = paid[0]
    mine = rpc.exam.download_ticket(me["id_number"], me["name"])
    pdf = base64.b64decode(mine["content_base64"])
    number = seats[me["id"]]["ticket_number"]
    text = pdf_text(pdf)
    for expected in (number, me["name"], me["id_number"], "商业数据分析", "2026年12月5日",
                     seats[me["id"]]["seat"], "准", "考生须知"):
        assert expected in text, expected
    assert all(embedded for _, embedded in pdf_fonts(pdf))
    assert decode_qr(render_page(pdf, scale=3)) == [number]
    with pytest.raises(Forbidden):
        rpc.exam.download_ticket(paid[10]["id_number"], paid[10]["name"])
    batch = rpc.exam.institution_tickets({"institution_code": INSTITUTION,
                                          "batch_code": t.BATCH})
    assert (batch["count"], batch["late"]) == (2, False)
    pages = pdf_text(base64.b64decode(batch["content_base64"])).split("\f")
    assert len(pages) == 2 and all(any(n in page for page in pages) for n in NAMES[10:12])
    assert rpc.exam.get_roster(t.BATCH)["profiles_known"] == 12     # fetched from registration

    # --- check-in (T2) on the exam day; paid[9] does not come ---
    exam_on(t.EXAM_DAY)
    with pytest.raises(Forbidden):
        rpc.exam.check_in({"ticket_number": number, "document": {
            "type": "resident_id_card_2g", "number": paid[1]["id_number"]}})
    present = paid[:9] + paid[10:]
    for app in present:
        rpc.exam.check_in({"ticket_number": seats[app["id"]]["ticket_number"], "document": {
            "type": "resident_id_card_2g", "number": app["id_number"],
            "expires_on": "2031-05-01"}})

    # --- the center's quality supervisor and the assessors' meeting (T4, 002 二(八)(九)) ---
    session = {"batch_code": t.BATCH, "session_code": "AM"}
    supervisor = {"name": "督导员甲", "id_number": sample_id_number("19700101", seq=90)}
    rpc.exam.assign_supervisor(dict(session, supervisor=supervisor, assigned_by="省职鉴中心"))
    rpc.exam.record_assessor_meeting(dict(
        session, held_at="2026-12-05T08:00:00+08:00", standard="统一评分标准",
        roles="考评员、记录员、核分员分工", process="签到、考核、汇总", recorded_by="考务",
        told_to_candidates="考前宣读", attendees=[
            {"name": p["name"], "id_number": p["id_number"]} for s in staff.values()
            for p in s["assessors"]]))

    # --- scores (T4): 智能化上机考核, the computer score by CSV is the score; the
    # recorder totals each room, the checker checks it with the stamped scan ---
    marks = {app["id"]: 50 + 4 * n for n, app in enumerate(present)}   # 50, 54, ... 90
    sheet = t.score_csv([(seats[a["id"]]["ticket_number"], a["id_number"], a["name"],
                          marks[a["id"]]) for a in present],
                        header=("准考证号", "身份证号", "姓名", "成绩"))
    assert rpc.exam.import_computer_scores({
        "batch_code": t.BATCH, "session_code": "AM", "csv": sheet, "filename": "上午.csv",
        "recorded_by": "记录员"})["recorded"] == 11
    scan = rpc.exam.upload_summary_scan({"content_base64": base64.b64encode(
        sample_scan(5)).decode()})["hash"]
    for room in staff:
        where = dict(session, room_code=room)
        rpc.exam.total_scores(dict(where, recorder="记录员", overseer="监督员"))
        assert rpc.exam.export_score_summary(t.BATCH, "AM", room)["filename"].endswith(".xlsx")
        assert rpc.exam.verify_scores(dict(
            where, checker="核分员王", checker_id_number=sample_id_number("19750101", seq=91),
            approve=True, scan=scan))["status"] == "verified"
    rpc.exam.record_supervision(dict(session, record="全程督导，未见违规", signed_by=supervisor))

    # --- publication (T5): the public list read back, an objection holds one result ---
    with EventTap(amqp_uri, "exam") as tap:
        assert rpc.exam.run_publication(today=t.PUBLICATION_DAY)["published"][0][
            "ends_on"] == t.PUBLICATION_LAST_DAY
        public = rpc.exam.public_results(t.BATCH)
        table = list(csv.DictReader(io.StringIO(public["csv"].lstrip("\ufeff"))))
        assert len(table) == 12
        row = {r["姓名"]: r for r in table}
        assert row[me["name"]]["身份证号"] == privacy.mask_id(me["id_number"])
        assert me["id_number"] not in public["csv"]
        assert (row[me["name"]]["成绩"], row[me["name"]]["结果"]) == ("50", "不合格")
        assert row[paid[3]["name"]]["结果"] == "合格"                     # 62
        assert row[paid[9]["name"]]["结果"] == "缺考"
        exam_on(t.PUBLICATION_DAY)
        objection = rpc.exam.lodge_objection({"batch_code": t.BATCH, "id_number":
                                              me["id_number"], "name": me["name"],
                                              "reason": "我认为实操成绩偏低"})
        rpc.exam.run_publication(today=t.AFTER_PUBLICATION)
        assert len(tap.wait_for("result_finalized", count=11)) == 11
        assert wait_until(lambda: list(statuses(rpc, paid).values()).count("paid") == 1,
                          timeout=20)
        rpc.exam.resolve_objection({"objection_id": objection["id"], "decision": "dismissed",
                                    "actor": "考务部", "note": "复核无误"})
        rpc.exam.run_publication(today=t.AFTER_PUBLICATION)
        assert rpc.exam.run_publication(today="2026-12-21")["finalized"] == {}
        assert len(tap.wait_for("result_finalized", count=12)) == 12

    expected = {a["id"]: "passed" if marks.get(a["id"], 0) >= 60 else "failed" for a in paid}
    assert wait_until(lambda: statuses(rpc, paid) == expected, timeout=20), \
        statuses(rpc, paid)
    assert list(expected.values()).count("passed") == 8
    assert statuses(rpc, [gone]) == {gone["id"]: "abandoned"}
