"""Service tests of review over the real broker and database.

Each test names the rule it checks (DOMAIN.md IDs: V1, V2, B1). Registration is
played by publishing its events; what review emits is watched with EventTap."""
import pytest
from prometheus_client import REGISTRY

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from kernel.testing import EventTap, publish_event, wait_until

CENTER = {"name": "复审员A", "role": "center"}


def decide(rpc, application_id, decision, reviewer=CENTER, **extra):
    return rpc.review.decide(dict({"application_id": application_id, "decision": decision,
                                   "reviewer": reviewer}, **extra))


def test_V1_a_submission_opens_a_task_with_the_precheck_materials_and_first_review(
        review, rpc, submit):
    # institution: received 2026-11-02 (10:00 in Shanghai), 10 working days -> 11-16
    inst = submit(channel="institution", institution_code="inst-02")
    seen = rpc.review.get_review(inst["application_id"])
    assert seen["status"] == "pending" and seen["round"] == 1
    assert seen["task"]["stage"] == "re_review"
    assert (seen["task"]["received_on"], seen["task"]["due_on"]) == ("2026-11-02",
                                                                     "2026-11-16")
    assert seen["submission"]["precheck"]["outcome"] == "needs_review"
    assert seen["submission"]["materials"]["education_proof_kind"] == "diploma"
    assert seen["submission"]["first_review"]["reviewer"] == "王初审"
    # a submission at 23:30 Beijing time on 11-01 reached the center on 11-01 (a Sunday)
    late = submit(channel="institution", submitted_at="2026-11-01T15:30:00+00:00")
    task = rpc.review.get_review(late["application_id"])["task"]
    assert (task["received_on"], task["due_on"]) == ("2026-11-01", "2026-11-13")
    # individual: the center decides inside the review window (ends 11-13)
    ind = submit()
    task = rpc.review.get_review(ind["application_id"])["task"]
    assert (task["stage"], task["due_on"]) == ("center_review", "2026-11-13")


def test_V1_the_re_review_limit_is_a_setting_of_the_batch(review, rpc, submit):
    rpc.exam.update_batch("2026-12", {"re_review_working_days": 5})
    assert wait_until(lambda: [b for b in rpc.review.list_batches() if b["code"] == "2026-12"]
                      [0]["re_review_working_days"] == 5)
    app = submit(channel="institution")
    assert rpc.review.get_review(app["application_id"])["task"]["due_on"] == "2026-11-09"


def test_V2_approval_records_who_when_why_and_tells_registration(review, rpc, submit,
                                                                  amqp_uri):
    app = submit(channel="institution", institution_code="inst-02")
    with EventTap(amqp_uri, "review") as tap:
        out = decide(rpc, app["application_id"], "approve", reason="材料齐全")
        [event] = tap.wait_for("application_approved")
    assert out["status"] == "approved" and out["round"] == 1
    assert event["payload"] == {
        "application_id": app["application_id"], "batch_code": "2026-12",
        "project_code": "bigdata-platform-setup", "channel": "institution",
        "institution_code": "inst-02", "id_number": app["id_number"], "name": "张三",
        "actor": "复审员A", "reason": "材料齐全", "decided_at": out["decided_at"]}
    seen = rpc.review.get_review(app["application_id"])
    assert seen["status"] == "approved" and seen["task"] is None
    [task] = seen["tasks"]
    assert (task["state"], task["outcome"], task["reason"]) == ("decided", "approved", "材料齐全")
    assert task["reviewer"] == {"name": "复审员A", "role": "center", "institution_code": None}
    assert [h["what"] for h in seen["history"]] == ["task_opened", "approved"]
    with pytest.raises(Conflict) as err:                       # decided already
        decide(rpc, app["application_id"], "reject", reason="x")
    assert err.value.code == "ALREADY_DECIDED" and err.value.details["status"] == "approved"


def test_V2_rejection_needs_a_reason_and_is_final(review, rpc, submit, amqp_uri):
    app = submit()
    for reason in (None, "   "):
        with pytest.raises(ValidationFailed) as err:
            decide(rpc, app["application_id"], "reject", reason=reason)
        assert (err.value.code, err.value.field, err.value.rule) == ("REASON_REQUIRED",
                                                                     "reason", "V2")
    assert rpc.review.get_review(app["application_id"])["status"] == "pending"  # unchanged
    with EventTap(amqp_uri, "review") as tap:
        decide(rpc, app["application_id"], "reject", reason="学历证明系伪造")
        [event] = tap.wait_for("application_rejected")
    assert event["payload"]["reason"] == "学历证明系伪造" and "fields_to_fix" not in \
        event["payload"]
    with pytest.raises(Conflict) as err:
        decide(rpc, app["application_id"], "approve")
    assert err.value.code == "ALREADY_DECIDED" and err.value.details["decision"]["outcome"] \
        == "rejected"
    # a resubmission of a rejected application (registration never sends one) opens nothing
    submit(event="resubmitted", application_id=app["application_id"], wait=False)
    assert wait_until(lambda: rpc.review.get_review(app["application_id"])["history"][-1]
                      ["what"] == "ignored")
    assert rpc.review.get_review(app["application_id"])["status"] == "rejected"


def test_V2_return_names_the_fields_and_a_resubmission_opens_a_new_round(review, rpc, submit,
                                                                          amqp_uri):
    app = submit()
    with pytest.raises(ValidationFailed) as err:
        decide(rpc, app["application_id"], "return", reason="照片不清晰")
    assert (err.value.code, err.value.rule) == ("FIELDS_TO_FIX_REQUIRED", "V2")
    with pytest.raises(ValidationFailed) as err:
        decide(rpc, app["application_id"], "return", reason="x", fields_to_fix=["person.id"])
    assert err.value.code == "FIELDS_TO_FIX_UNKNOWN" and err.value.details["unknown"] == \
        ["person.id"]
    with EventTap(amqp_uri, "review") as tap:
        decide(rpc, app["application_id"], "return", reason="照片不清晰",
               fields_to_fix=["materials.photo"])
        [event] = tap.wait_for("application_returned")
    assert event["payload"]["fields_to_fix"] == ["materials.photo"]
    with pytest.raises(Conflict) as err:          # waiting for the candidate now
        decide(rpc, app["application_id"], "approve")
    assert err.value.code == "ALREADY_DECIDED" and err.value.details["status"] == "returned"
    submit(event="resubmitted", application_id=app["application_id"], photo="9" * 64,
           changed=["materials"], submitted_at="2026-11-03T01:00:00+00:00")
    seen = rpc.review.get_review(app["application_id"])
    assert seen["round"] == 2 and seen["task"]["round"] == 2
    assert seen["submission"]["photo"] == "9" * 64 and seen["submission"]["changed"] == \
        ["materials"]
    out = decide(rpc, app["application_id"], "approve")
    assert (out["status"], out["round"]) == ("approved", 2)
    rounds = rpc.review.get_review(app["application_id"])["tasks"]
    assert [(t["round"], t["outcome"]) for t in rounds] == [(1, "returned"), (2, "approved")]


def test_V2_withdrawn_and_unknown_applications_cannot_be_decided(review, rpc, submit,
                                                                  amqp_uri):
    app = submit()
    publish_event(amqp_uri, "registration", "application_withdrawn", {
        "application_id": app["application_id"], "batch_code": "2026-12",
        "project_code": "bigdata-platform-setup", "reason": "报错项目"})
    assert wait_until(lambda: rpc.review.get_review(app["application_id"])["status"]
                      == "withdrawn")
    [task] = rpc.review.get_review(app["application_id"])["tasks"]
    assert (task["state"], task["closed_reason"]) == ("closed", "报错项目")
    with pytest.raises(Conflict) as err:
        decide(rpc, app["application_id"], "approve")
    assert err.value.code == "APPLICATION_WITHDRAWN"
    with pytest.raises(NotFound) as err:
        decide(rpc, "no-such-application", "approve")
    assert err.value.code == "APPLICATION_NOT_FOUND"
    with pytest.raises(ValidationFailed) as err:
        decide(rpc, app["application_id"], "maybe")
    assert err.value.field == "decision"
    with pytest.raises(ValidationFailed) as err:
        rpc.review.decide({"application_id": app["application_id"], "decision": "approve"})
    assert err.value.field == "reviewer"
    assert rpc.review.list_pending()["total"] == 0


def test_V1_decisions_outside_the_window_are_refused(review, rpc, submit, start_review):
    ind = submit()
    # received 11-12 (Thursday): due 10 working days later, 11-26, after the window (11-13)
    inst = submit(channel="institution", submitted_at="2026-11-12T02:00:00+00:00")
    review["review"].stop()
    start_review(today="2026-11-16")
    with pytest.raises(RuleViolation) as err:
        decide(rpc, ind["application_id"], "approve")
    assert (err.value.code, err.value.rule) == ("REVIEW_WINDOW_CLOSED", "V1")
    assert err.value.details["window"] == ["2026-11-02", "2026-11-13"]
    assert rpc.review.get_review(ind["application_id"])["status"] == "pending"
    # the center's re-review may still be given until it is due
    assert decide(rpc, inst["application_id"], "approve")["status"] == "approved"


def test_V1_a_reviewer_acting_for_an_institution_only_decides_its_own_candidates(
        review, rpc, submit):
    other = submit(channel="institution", institution_code="inst-03")
    individual = submit()
    own = submit(channel="institution", institution_code="inst-02")
    inst02 = {"name": "机构审核员", "role": "institution", "institution_code": "inst-02"}
    for app in (other, individual):
        with pytest.raises(Forbidden) as err:
            decide(rpc, app["application_id"], "approve", reviewer=inst02)
        assert (err.value.code, err.value.rule) == ("INSTITUTION_SCOPE", "V1")
        assert rpc.review.get_review(app["application_id"])["status"] == "pending"
    with pytest.raises(ValidationFailed) as err:
        decide(rpc, own["application_id"], "approve",
               reviewer={"name": "x", "role": "institution"})
    assert err.value.field == "reviewer.institution_code"
    with pytest.raises(Forbidden) as err:         # approving is the center's re-review
        decide(rpc, own["application_id"], "approve", reviewer=inst02)
    assert (err.value.code, err.value.rule) == ("CENTER_DECISION_ONLY", "V1")
    returned = decide(rpc, own["application_id"], "return", reviewer=inst02,
                      reason="学历证明不清晰", fields_to_fix=["materials.education_proof"])
    assert returned["status"] == "returned"


def test_V1_V2_bulk_decisions_have_one_outcome_each_and_are_idempotent(review, rpc, submit,
                                                                      amqp_uri):
    apps = [submit(channel="institution", institution_code="inst-02") for _ in range(4)]
    withdrawn = submit()
    publish_event(amqp_uri, "registration", "application_withdrawn",
                  {"application_id": withdrawn["application_id"], "reason": "不考了"})
    assert wait_until(lambda: rpc.review.get_review(withdrawn["application_id"])["status"]
                      == "withdrawn")
    request = {"idempotency_key": "sitting-2026-11-02-a", "reviewer": CENTER, "decisions": [
        {"application_id": apps[0]["application_id"], "decision": "approve"},
        {"application_id": apps[1]["application_id"], "decision": "return", "reason": "补充",
         "fields_to_fix": ["materials.education_proof"]},
        {"application_id": apps[2]["application_id"], "decision": "reject"},   # no reason
        {"application_id": "unknown-id", "decision": "approve"},
        {"application_id": withdrawn["application_id"], "decision": "approve"},
        {"application_id": apps[3]["application_id"], "decision": "approve", "extra": 1},
        "not even an object",
    ]}
    with EventTap(amqp_uri, "review") as tap:
        out = rpc.review.decide_many(request)
        again = rpc.review.decide_many(request)             # a retry after a lost reply
        approved = tap.wait_for("application_approved")
        returned = tap.wait_for("application_returned")
        assert wait_until(lambda: rpc.review.health())      # a round trip: events are out
        tap.drain()
    assert again == out
    assert (out["ok"], out["failed"]) == (2, 5)
    codes = [r["ok"] or r["error"]["code"] for r in out["results"]]
    assert codes == [True, True, "REASON_REQUIRED", "APPLICATION_NOT_FOUND",
                     "APPLICATION_WITHDRAWN", "VALIDATION_FAILED", "VALIDATION_FAILED"]
    assert out["results"][1]["status"] == "returned"
    assert out["results"][5]["error"]["field"] == "extra"
    assert [e["payload"]["application_id"] for e in approved] == [apps[0]["application_id"]]
    assert [e["payload"]["application_id"] for e in returned] == [apps[1]["application_id"]]
    assert len(tap.events) == 2                          # nothing for the failed items
    for app in apps[2:]:                                 # nothing changed for them
        seen = rpc.review.get_review(app["application_id"])
        assert seen["status"] == "pending" and len(seen["history"]) == 1
    with pytest.raises(Conflict) as err:                 # same key, another request
        rpc.review.decide_many(dict(request, decisions=request["decisions"][:1]))
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"
    with pytest.raises(ValidationFailed) as err:
        rpc.review.decide_many({"reviewer": CENTER, "decisions": []})
    assert err.value.field == "decisions"


def test_V1_work_queues_by_batch_project_institution_and_stage(review, rpc, submit):
    a = submit(channel="institution", institution_code="inst-02",
               project_code="business-data-analysis")
    b = submit(channel="institution", institution_code="inst-03")
    c = submit()
    d = submit(batch_code="2026-11", submitted_at="2026-10-01T02:00:00+00:00")
    ids = lambda out: {i["application_id"] for i in out["items"]}   # noqa: E731
    assert rpc.review.list_pending()["total"] == 4
    assert ids(rpc.review.list_pending(batch_code="2026-12")) == {
        x["application_id"] for x in (a, b, c)}
    assert ids(rpc.review.list_pending(project_code="business-data-analysis")) == \
        {a["application_id"]}
    assert ids(rpc.review.list_pending(institution_code="inst-03")) == {b["application_id"]}
    assert ids(rpc.review.list_pending(stage="center_review")) == {c["application_id"],
                                                                   d["application_id"]}
    page = rpc.review.list_pending(batch_code="2026-12", limit=1, offset=1)
    assert page["total"] == 3 and len(page["items"]) == 1
    first = rpc.review.list_pending(batch_code="2026-12")["items"][0]
    assert first["precheck_outcome"] == "needs_review" and first["overdue"] is False
    with pytest.raises(ValidationFailed) as err:
        rpc.review.list_pending(stage="first")
    assert err.value.field == "stage"
    summary = rpc.review.queue_summary(batch_code="2026-12")
    assert [(s["project_code"], s["institution_code"], s["stage"], s["pending"])
            for s in summary] == [
        ("bigdata-platform-setup", None, "center_review", 1),
        ("bigdata-platform-setup", "inst-03", "re_review", 1),
        ("business-data-analysis", "inst-02", "re_review", 1)]


def test_V1_the_queue_sorts_filters_and_pages_on_the_server(review, rpc, submit):
    # today 11-02: one received 10-12 is overdue (due 10-26), the others are not
    late = submit(channel="institution", institution_code="inst-03", name="赵六",
                  submitted_at="2026-10-12T02:00:00+00:00")
    a = submit(channel="institution", institution_code="inst-02", name="王五")
    b = submit(channel="institution", institution_code="inst-02", name="李四",
               submitted_at="2026-10-30T02:00:00+00:00")
    c = submit(name="张三")
    ids = lambda out: [i["application_id"] for i in out["items"]]   # noqa: E731
    assert ids(rpc.review.list_pending(overdue=True)) == [late["application_id"]]
    # the countdown in working days: b received Friday 10-30, due 10 working days
    # later (11-13); on Monday 11-02 that is 9 working days away; late has none
    [row] = [i for i in rpc.review.list_pending()["items"]
             if i["application_id"] == b["application_id"]]
    assert (row["due_on"], row["due_in_workdays"]) == ("2026-11-13", 9)
    [row] = rpc.review.list_pending(overdue=True)["items"]
    assert (row["due_in_workdays"], row["overdue_workdays"]) == (None, 5)
    assert set(ids(rpc.review.list_pending(overdue=False))) == {
        x["application_id"] for x in (a, b, c)}
    assert ids(rpc.review.list_pending(channel="individual")) == [c["application_id"]]
    by_received = ids(rpc.review.list_pending(channel="institution", sort="-received_on"))
    assert by_received == [a["application_id"], b["application_id"], late["application_id"]]
    assert ids(rpc.review.list_pending(channel="institution", sort="received_on")) == \
        by_received[::-1]
    # the page follows the order: the second page starts where the first ended
    first = rpc.review.list_pending(sort="-received_on", limit=2)
    second = rpc.review.list_pending(sort="-received_on", limit=2, offset=2)
    assert first["total"] == second["total"] == 4
    assert ids(first) + ids(second) == ids(rpc.review.list_pending(sort="-received_on"))
    # an individual application has no institution: last either way
    assert ids(rpc.review.list_pending(sort="institution_code"))[-1] == c["application_id"]
    assert ids(rpc.review.list_pending(sort="-institution_code"))[0] == late["application_id"]
    assert ids(rpc.review.list_pending(institution_code="inst-02", stage="re_review",
                                       sort="received_on")) == [b["application_id"],
                                                                a["application_id"]]
    for bad in ({"sort": "id_number"}, {"channel": "post"}, {"overdue": "maybe"}):
        with pytest.raises(ValidationFailed) as err:
            rpc.review.list_pending(**bad)
        assert err.value.field == next(iter(bad))


def test_V1_overdue_tasks_are_listed_and_counted_in_a_gauge(review, rpc, submit):
    # received 2026-10-12 (Monday): due 10 working days later, 10-26; today 11-02
    late = submit(channel="institution", submitted_at="2026-10-12T02:00:00+00:00")
    submit(channel="institution")
    [item] = rpc.review.list_overdue()
    assert item["application_id"] == late["application_id"]
    assert (item["due_on"], item["overdue"], item["overdue_workdays"]) == ("2026-10-26",
                                                                           True, 5)
    out = rpc.review.refresh_overdue()
    assert out["overdue"] == 1
    assert REGISTRY.get_sample_value("skillcert_review_overdue_tasks",
                                     {"batch_code": "2026-12", "stage": "re_review"}) == 1
    summary = rpc.review.queue_summary()
    assert sum(s["overdue"] for s in summary) == 1 and sum(s["pending"] for s in summary) == 2
    decide(rpc, late["application_id"], "approve")
    assert rpc.review.refresh_overdue()["overdue"] == 0
    assert REGISTRY.get_sample_value("skillcert_review_overdue_tasks",
                                     {"batch_code": "2026-12", "stage": "re_review"}) is None


def test_V2_returned_applications_are_not_accepted_once_the_window_closes(review, rpc, submit,
                                                                          amqp_uri):
    returned, resubmitted, pending = submit(), submit(), submit()
    for app in (returned, resubmitted):
        decide(rpc, app["application_id"], "return", reason="照片", fields_to_fix=["materials"])
    submit(event="resubmitted", application_id=resubmitted["application_id"])
    with EventTap(amqp_uri, "review") as tap:
        assert rpc.review.close_review_window(today="2026-11-13")["closed"] == 0  # still open
        first = rpc.review.close_review_window(today="2026-11-14")
        second = rpc.review.close_review_window(today="2026-11-14")       # safe to run twice
        [event] = tap.wait_for("application_not_accepted")
        assert wait_until(lambda: rpc.review.health())
        assert len(tap.of_type("application_not_accepted")) == 1
    assert (first["closed"], second["closed"]) == (1, 0)
    assert first["application_ids"] == [returned["application_id"]]
    assert event["payload"] == {"application_id": returned["application_id"],
                                "batch_code": "2026-12", "project_code": "bigdata-platform-setup",
                                "reason": "not resubmitted by the end of the review window (V2)",
                                "cause": "window"}
    assert rpc.review.get_review(returned["application_id"])["status"] == "not_accepted"
    for app in (resubmitted, pending):
        assert rpc.review.get_review(app["application_id"])["status"] == "pending"
    with pytest.raises(Conflict) as err:
        decide(rpc, returned["application_id"], "approve")
    assert (err.value.code, err.value.rule) == ("APPLICATION_CLOSED", "V2")
    with pytest.raises(ValidationFailed):
        rpc.review.close_review_window(today="not a date")


def test_V1_a_due_date_unknown_at_submission_is_filled_in_later(review, rpc, submit, amqp_uri):
    batch = {"code": "2026-99", "year": 2026, "seq": 99,
             "registration": {"start": "2026-10-01", "end": "2026-10-09"},
             "review": {"start": "2026-10-10", "end": "2026-10-30"},
             "payment": {"start": "2026-11-02", "end": "2026-11-04"},
             "ticket": {"start": "2026-11-20", "end": "2026-11-26"},
             "exam_date": "2026-11-28", "re_review_working_days": 10,
             "accepted_id_documents": ["resident_id_card_2g"], "status": "scheduled",
             "version": 1}
    # the application arrives before its batch (events are not ordered across producers)
    app = submit(channel="institution", batch_code="2026-99",
                 submitted_at="2026-09-30T02:00:00+00:00")
    assert rpc.review.get_review(app["application_id"])["task"]["due_on"] is None
    with pytest.raises(NotFound) as err:
        decide(rpc, app["application_id"], "approve")
    assert err.value.code == "BATCH_NOT_FOUND"
    publish_event(amqp_uri, "exam", "batch_scheduled", {"batch": batch})
    # 10 working days after 09-30, across the National Day holiday (10-01..10-07 off,
    # Saturday 10-10 a make-up working day)
    assert wait_until(lambda: rpc.review.get_review(app["application_id"])["task"]["due_on"]
                      == "2026-10-20")


def test_B1_a_cancelled_batch_closes_its_open_tasks(review, rpc, submit, amqp_uri):
    pending = submit()
    other = submit(project_code="business-data-analysis")
    publish_event(amqp_uri, "exam", "batch_cancelled", {
        "batch_code": "2026-12", "project_code": "bigdata-platform-setup",
        "reason": "不足10人"})
    assert wait_until(lambda: rpc.review.get_review(pending["application_id"])["status"]
                      == "cancelled")
    assert rpc.review.get_review(other["application_id"])["status"] == "pending"
    with pytest.raises(Conflict) as err:
        decide(rpc, pending["application_id"], "approve")
    assert (err.value.code, err.value.rule) == ("APPLICATION_CLOSED", "B1")


def test_events_are_applied_once_and_odd_ones_recorded_not_raised(review, rpc, submit,
                                                                   amqp_uri):
    app = submit()
    env = publish_event(amqp_uri, "registration", "application_withdrawn",
                        {"application_id": "never-seen", "reason": "x"})
    publish_event(amqp_uri, "registration", "application_submitted",       # seen already
                  dict(app, name="李四"))
    publish_event(amqp_uri, "registration", "application_resubmitted", app)  # not returned
    assert wait_until(lambda: len(rpc.review.get_review(app["application_id"])["history"])
                      == 3)
    seen = rpc.review.get_review(app["application_id"])
    assert [h["what"] for h in seen["history"]] == ["task_opened", "ignored", "ignored"]
    assert seen["name"] == "张三" and seen["round"] == 1
    # a redelivered event is applied once
    first = submit()
    decide(rpc, first["application_id"], "return", reason="r", fields_to_fix=["claim"])
    resub = publish_event(amqp_uri, "registration", "application_resubmitted", first)
    publish_event(amqp_uri, "registration", "application_resubmitted", first,
                  event_id=resub["event_id"])
    assert wait_until(lambda: rpc.review.get_review(first["application_id"])["round"] == 2)
    # a malformed event goes to the dead-letter queue at once (a retry cannot fix it)
    publish_event(amqp_uri, "registration", "application_submitted",
                  {"application_id": "x", "channel": "fax"})
    queue = "evt-registration-application_submitted--review.on_submitted.dlq"
    assert wait_until(lambda: rpc.review.dead_letters()["queues"].get(queue) == 1)
    assert rpc.review.get_review(first["application_id"])["round"] == 2
    assert env["event_id"]


def test_V2_an_individual_correction_still_wrong_ends_the_application(review, rpc, submit,
                                                                     amqp_uri):
    """未在规定时间内提交修改或者修改不正确的，不再受理个人报名: a second return of an
    individual application is not another round but not_accepted, final; an
    institution's candidate may be returned again."""
    app = submit()
    decide(rpc, app["application_id"], "return", reason="照片不清晰",
           fields_to_fix=["materials.photo"])
    submit(event="resubmitted", application_id=app["application_id"], photo="9" * 64,
           changed=["materials"], submitted_at="2026-11-03T01:00:00+00:00")
    with EventTap(amqp_uri, "review") as tap:
        out = decide(rpc, app["application_id"], "return", reason="照片仍不清晰",
                     fields_to_fix=["materials.photo"])
        [event] = tap.wait_for("application_not_accepted")
        assert not tap.of_type("application_returned")
    assert (out["status"], out["round"]) == ("not_accepted", 2)
    assert event["payload"]["application_id"] == app["application_id"]
    assert event["payload"]["cause"] == "correction"
    assert "照片仍不清晰" in event["payload"]["reason"] and "修改不正确" in \
        event["payload"]["reason"]
    seen = rpc.review.get_review(app["application_id"])
    assert seen["status"] == "not_accepted" and seen["task"] is None
    assert [(t["round"], t["outcome"]) for t in seen["tasks"]] == [(1, "returned"),
                                                                   (2, "not_accepted")]
    with pytest.raises(Conflict) as err:          # final: nothing more to decide
        decide(rpc, app["application_id"], "approve")
    assert (err.value.code, err.value.rule) == ("APPLICATION_CLOSED", "V2")

    inst = submit(channel="institution", institution_code="inst-02")
    decide(rpc, inst["application_id"], "return", reason="学历证明缺页",
           fields_to_fix=["materials.education_proof"])
    submit(event="resubmitted", channel="institution", institution_code="inst-02",
           application_id=inst["application_id"], submitted_at="2026-11-03T01:00:00+00:00")
    again = decide(rpc, inst["application_id"], "return", reason="仍缺页",
                   fields_to_fix=["materials.education_proof"])
    assert (again["status"], again["round"]) == ("returned", 2)


def test_R4_falsified_material_is_recorded_against_the_person_and_shown_when_they_apply_again(
        review, rpc, submit):
    """2024: "对于弄虚作假的，一经查实将认定为不诚信行为": who (the reviewer), when,
    what, in which application; the person keyed by a hash of the ID number."""
    first = submit(batch_code="2024-12")
    other = submit()
    out = rpc.review.record_dishonesty({
        "application_id": first["application_id"], "finding": "学历证书系伪造",
        "materials": ["materials.education_proof"], "reviewer": CENTER})
    assert (out["kind"], out["year"], out["batch_code"]) == ("dishonest_conduct", 2024,
                                                             "2024-12")
    assert out["finding"] == "学历证书系伪造" and out["recorded_by"] == {
        "name": "复审员A", "role": "center"} and out["recorded_at"]
    assert first["id_number"] not in str(out)
    with pytest.raises(Forbidden) as err:
        rpc.review.record_dishonesty({
            "application_id": first["application_id"], "finding": "身份证复印件涂改",
            "reviewer": {"name": "机构审核员", "role": "institution",
                         "institution_code": "inst-02"}})
    assert (err.value.code, err.value.rule) == ("DISHONESTY_CENTER_ONLY", "R4")
    with pytest.raises(ValidationFailed):
        rpc.review.record_dishonesty({"application_id": first["application_id"],
                                      "finding": "", "reviewer": CENTER})
    # the same person applies again (2026): the reviewer sees the record
    again = submit(id_number=first["id_number"])
    seen = rpc.review.get_review(again["application_id"])
    assert [(r["application_id"], r["kind"]) for r in seen["dishonesty"]] == [
        (first["application_id"], "dishonest_conduct")]
    assert rpc.review.get_review(other["application_id"])["dishonesty"] == []
    queue = {i["application_id"]: i["dishonesty_records"]
             for i in rpc.review.list_pending(batch_code="2026-12")["items"]}
    assert queue[again["application_id"]] == 1 and queue[other["application_id"]] == 0
    assert [r["id"] for r in rpc.review.dishonesty_of(again["application_id"])] == [out["id"]]
    history = rpc.review.get_review(first["application_id"])["history"]
    assert history[-1]["what"] == "dishonesty_recorded" and history[-1]["actor"] == "复审员A"
    assert first["id_number"] not in str(history[-1])
    # 2026's notice: "一经查实，按有关规定处理" (no 不诚信行为): recorded as falsified material
    later = rpc.review.record_dishonesty({"application_id": again["application_id"],
                                          "finding": "照片非本人", "reviewer": CENTER})
    assert later["kind"] == "falsified_material"
    assert [r["id"] for r in rpc.review.dishonesty_of(first["application_id"])] == [
        later["id"], out["id"]]
