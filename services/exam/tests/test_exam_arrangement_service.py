"""Service tests over the real broker and database: rosters from payment's events
and B1, rooms, sessions and the arrangement (T3), assessor dispatch (T4)."""
import pytest

from kernel.errors import Conflict, NotFound, RuleViolation
from kernel.testing import EventTap, wait_until

from exam import testing as t
from exam.domain.batches import calendar_rows


def test_B1_rosters_come_from_payment_and_a_project_under_10_is_cancelled_once(
        exam, play, rpc, amqp_uri):
    held = play.confirm([t.confirmed(i) for i in range(11)])
    play.publish("payment", "application_abandoned", {
        "application_id": held[10]["application_id"], "batch_code": t.BATCH,
        "project_code": t.PROJECT, "reason": "not confirmed in the payment window (P4)"})
    assert wait_until(lambda: sum(c["status"] == "confirmed" for c in
                                  rpc.exam.get_roster(t.BATCH)["candidates"]) == 10)
    play.confirm([t.confirmed(20 + i, project=t.OTHER_PROJECT) for i in range(9)])
    small = play.confirm([t.confirmed(40 + i, project="carbon-emission-trading")
                          for i in range(3)])
    out = rpc.exam.override_minimum({"batch_code": t.BATCH, "project_code":
                                     "carbon-emission-trading", "actor": "考务部",
                                     "reason": "省里同意小规模试点"})
    assert out["status"] == "open" and out["override"]["actor"] == "考务部"

    assert rpc.exam.close_rosters(today="2026-11-18")["decided"] == []   # window still open
    with EventTap(amqp_uri, "exam") as tap:
        decided = rpc.exam.close_rosters(today=t.AFTER_PAYMENT)["decided"]
        assert sorted((d["project_code"], d["status"], d["confirmed"]) for d in decided) == [
            (t.PROJECT, "held", 10), (t.OTHER_PROJECT, "cancelled", 9),
            ("carbon-emission-trading", "held", 3)]
        assert rpc.exam.close_rosters(today=t.AFTER_PAYMENT)["decided"] == []   # twice: no-op
        # a confirmation arriving after the cancellation is cancelled too, and told again
        late = t.confirmed(60, project=t.OTHER_PROJECT)
        play.publish("payment", "payment_confirmed", late)
        assert wait_until(lambda: rpc.exam.list_notes(late["application_id"]), timeout=15)
        assert rpc.exam.get_candidate(late["application_id"])["status"] == "cancelled"
        [first, again] = tap.wait_for("batch_cancelled", count=2)
    assert first["payload"] == again["payload"] == {
        "batch_code": t.BATCH, "project_code": t.OTHER_PROJECT,
        "reason": first["payload"]["reason"]}
    assert "B1" in first["payload"]["reason"]
    roster = rpc.exam.get_roster(t.BATCH, t.OTHER_PROJECT)
    assert {c["status"] for c in roster["candidates"]} == {"cancelled"}
    assert "B1" in rpc.exam.list_notes(late["application_id"])[0]["note"]
    with pytest.raises(Conflict) as err:                 # too late to override
        rpc.exam.override_minimum({"batch_code": t.BATCH, "project_code": t.OTHER_PROJECT,
                                   "actor": "考务部", "reason": "补救"})
    assert (err.value.code, err.value.rule) == ("ROSTER_DECIDED", "B1")
    assert small and rpc.exam.get_roster(t.BATCH, "carbon-emission-trading")[
        "projects"][0]["status"] == "held"

    stray = t.confirmed(1, batch="2031-01")                  # recorded and ignored, not raised
    play.publish("payment", "payment_confirmed", stray)
    assert wait_until(lambda: rpc.exam.list_notes(stray["application_id"]), timeout=15)
    assert not any(rpc.exam.dead_letters()["queues"].values())


def test_B1_registrants_counted_not_only_the_confirmed_decide_the_roster(exam, play, rpc):
    """报名人数: registration's count of the batch/project. 12 registrants, 3 of them
    confirmed: held (the old count of the confirmed cancelled it); 5 and 5: cancelled."""
    def counted(project, n, at="2026-11-10T08:00:00+00:00"):
        play.publish("registration", "registrants_counted", {
            "batch_code": t.BATCH, "project_code": project, "registrants": n,
            "counted_at": at})
    counted(t.PROJECT, 12)
    counted(t.PROJECT, 2, at="2026-11-09T08:00:00+00:00")     # older, arriving late: ignored
    counted(t.OTHER_PROJECT, 5)
    assert wait_until(lambda: {p["project_code"]: p["registrants"] for p in
                               rpc.exam.get_roster(t.BATCH)["projects"]} ==
                      {t.PROJECT: 12, t.OTHER_PROJECT: 5})
    play.confirm([t.confirmed(i) for i in range(3)])
    play.confirm([t.confirmed(20 + i, project=t.OTHER_PROJECT) for i in range(5)])
    decided = rpc.exam.close_rosters(today=t.AFTER_PAYMENT)["decided"]
    assert sorted((d["project_code"], d["status"], d["registrants"], d["confirmed"])
                  for d in decided) == [(t.PROJECT, "held", 12, 3),
                                        (t.OTHER_PROJECT, "cancelled", 5, 5)]
    roster = {p["project_code"]: p for p in rpc.exam.get_roster(t.BATCH)["projects"]}
    assert (roster[t.PROJECT]["registrants"], roster[t.PROJECT]["confirmed"]) == (12, 3)
    assert "报名人数" in roster[t.OTHER_PROJECT]["reason"]


def test_T3_rooms_sessions_and_the_arrangement(exam, play, rpc, start_exam):
    with pytest.raises(RuleViolation) as err:
        rpc.exam.save_room(dict(t.room("R9", 4), seats=["01", "02", "01"]))
    assert (err.value.code, err.value.rule, err.value.field) == ("ROOM_SEAT_DUPLICATE", "T3",
                                                                  "seats")
    assert rpc.exam.list_rooms() == []                       # nothing changed
    spaced = rpc.exam.save_room(t.room("R1", 16, spacing="alternate"))
    assert spaced["usable"] == ["01", "03", "05", "07", "09", "11", "13", "15"]
    rpc.exam.save_room(t.room("R2", 8))

    inst = [None, "inst-01", "inst-02"]
    play.confirm([t.confirmed(i, institution_code=inst[i % 3]) for i in range(40)])
    with pytest.raises(RuleViolation) as err:
        rpc.exam.arrange({"batch_code": t.BATCH})
    assert (err.value.code, err.value.rule) == ("ROSTER_OPEN", "B1")
    rpc.exam.close_rosters(today=t.AFTER_PAYMENT)

    with pytest.raises(RuleViolation) as err:                # 16 seats x 2 sessions < 40
        rpc.exam.arrange({"batch_code": t.BATCH})
    assert (err.value.code, err.value.rule) == ("CAPACITY_SHORTFALL", "T3")
    assert err.value.details["missing"] == 8 and "8 seats are missing" in err.value.message
    assert rpc.exam.get_arrangement(t.BATCH)["seated"] == 0

    rpc.exam.save_room(t.room("R3", 8))
    out = rpc.exam.arrange({"batch_code": t.BATCH})
    assert (out["seated"], out["unseated"]) == (40, 0)
    seats = rpc.exam.get_arrangement(t.BATCH)["seats"]
    assert len({(s["session"], s["room"], s["seat"]) for s in seats}) == 40
    assert len({s["ticket_number"] for s in seats}) == 40
    assert {s["seat"] for s in seats if s["room"] == "R1"} <= set(spaced["usable"])
    by_room = {}
    for s in seats:
        by_room.setdefault(s["institution_code"], set()).add(s["room"])
    assert all(len(rooms) == 3 for rooms in by_room.values())   # each institution spread
    assert rpc.exam.arrange({"batch_code": t.BATCH})["session_rooms"] == out["session_rooms"]
    assert rpc.exam.get_arrangement(t.BATCH)["seats"] == seats  # deterministic

    # T3: twelve sessions in a day, two usable workstations: at most 10 a day each
    twelve = [{"code": f"S{n:02d}", "label": f"第{n}场", "starts": f"{7 + n:02d}:00",
               "ends": f"{7 + n:02d}:50"} for n in range(1, 13)]
    assert rpc.exam.set_sessions(t.BATCH, twelve)["arrangement_cleared"] is True
    small = rpc.exam.save_room(dict(t.room("R4", 4), spacing={"rule": "listed",
                                                              "seats": ["01", "04"]}))
    with pytest.raises(RuleViolation) as err:
        rpc.exam.arrange({"batch_code": t.BATCH, "rooms": ["R4"]})
    assert err.value.details["missing"] == 20 and err.value.rule == "T3"
    out = rpc.exam.arrange({"batch_code": t.BATCH, "rooms": ["R1", "R2", "R3", "R4"]})
    assert out["seated"] == 40 and small["usable"] == ["01", "04"]
    assert {s["session"] for s in rpc.exam.get_arrangement(t.BATCH)["seats"]} == {"S01", "S02"}

    with pytest.raises(Conflict) as err:                     # seats of a room in use
        rpc.exam.save_room(t.room("R1", 10))
    assert err.value.code == "ROOM_IN_USE"
    with pytest.raises(NotFound):
        rpc.exam.arrange({"batch_code": t.BATCH, "rooms": ["R404"]})
    start_exam(t.TICKET_DAY)                                 # the tickets are out
    with pytest.raises(RuleViolation) as err:
        rpc.exam.arrange({"batch_code": t.BATCH})
    assert (err.value.code, err.value.rule) == ("ARRANGEMENT_FROZEN", "T1")


def test_T4_dispatch_three_assessors_per_session_room_and_no_card_holder_supervises(
        exam, registration, play, rpc):
    one_session = [{"code": "AM", "label": "上午", "starts": "09:00", "ends": "11:30"}]
    play.seat(20, rooms=(t.room("R1", 10), t.room("R2", 10)), sessions=one_session,
              institution_of=lambda i: "inst-02" if i % 2 else None, photo=play.photo())
    with pytest.raises(RuleViolation) as err:
        rpc.exam.dispatch_assessors({"batch_code": t.BATCH})
    assert (err.value.code, err.value.rule) == ("ASSESSORS_SHORT", "T4")

    good = [t.card(n) for n in range(1, 6)]
    play.cards(good + [
        t.card(8, unit="四川省科教兴川促进会"),               # inst-02 has candidates in both rooms
        t.card(9, unit="成都某科技有限公司"),                  # the candidates' work unit
        t.card(10, projects=[t.OTHER_PROJECT]),               # not this project
        t.card(11, valid_until="2026-12-04")])                # expires before the exam
    with pytest.raises(RuleViolation) as err:
        rpc.exam.dispatch_assessors({"batch_code": t.BATCH})
    assert err.value.details["short"] == [{"session": "AM", "room": "R2",
                                           "project": t.PROJECT, "qualified": 2}]
    play.cards([t.card(12)])
    staff = rpc.exam.dispatch_assessors({"batch_code": t.BATCH})["session_rooms"]
    # 002 二(八): three assessors; the quality supervisor is the center's (assign_supervisor)
    assert [(s["room"], len(s["assessors"]), "supervisor" in s) for s in staff] == [
        ("R1", 3, False), ("R2", 3, False)]
    people = [p["id_number"] for s in staff for p in s["assessors"]]
    assert len(set(people)) == 6                             # nobody in two rooms at once
    allowed = {c["id_number"] for c in good + [t.card(12)]}
    assert set(people) == allowed

    play.cards([dict(t.card(3), reason="违规")], event="card_revoked")
    after = rpc.exam.get_dispatch(t.BATCH)["session_rooms"]
    assert [p["card_valid"] for s in after for p in s["assessors"]
            if p["id_number"] == t.card(3)["id_number"]] == [False]
    with pytest.raises(RuleViolation):                       # 5 qualified people left
        rpc.exam.dispatch_assessors({"batch_code": t.BATCH})
    play.cards([t.card(13)])
    staff = rpc.exam.dispatch_assessors({"batch_code": t.BATCH})["session_rooms"]
    assert t.card(3)["id_number"] not in {p["id_number"] for s in staff for p in s["assessors"]}


def test_what_is_not_there_is_a_structured_error_that_names_its_field(exam, rpc):
    """The look-ups without a rule of their own (exam.store): BATCH_EXISTS,
    ROOM_NOT_FOUND, SESSION_NOT_FOUND, OBJECTION_NOT_FOUND, CANDIDATE_NOT_FOUND."""
    with pytest.raises(Conflict) as err:
        rpc.exam.schedule_batch([r for r in calendar_rows() if r["code"] == t.BATCH][0])
    assert (err.value.code, err.value.field) == ("BATCH_EXISTS", "code")
    with pytest.raises(NotFound) as err:
        rpc.exam.arrange({"batch_code": t.BATCH, "rooms": ["NOPE", "R1"]})
    assert (err.value.code, err.value.field, err.value.details) == (
        "ROOM_NOT_FOUND", "rooms", {"unknown": ["NOPE", "R1"]})
    with pytest.raises(NotFound) as err:
        rpc.exam.import_computer_scores({"batch_code": t.BATCH, "session_code": "EVE",
                                         "csv": t.score_csv([]), "recorded_by": "考务"})
    assert (err.value.code, err.value.field) == ("SESSION_NOT_FOUND", "session_code")
    with pytest.raises(NotFound) as err:
        rpc.exam.resolve_objection({"objection_id": "no-such", "decision": "dismissed",
                                    "actor": "考务", "note": "-"})
    assert (err.value.code, err.value.field) == ("OBJECTION_NOT_FOUND", "objection_id")
    with pytest.raises(NotFound) as err:
        rpc.exam.get_candidate("no-such")
    assert (err.value.code, err.value.field) == ("CANDIDATE_NOT_FOUND", "application_id")
