"""The seat list as the console's tables read it (issue #17): one page at a time,
filtered, sorted and counted by the service over the real broker and database."""
import pytest

from kernel.errors import ValidationFailed

from exam import testing as t


@pytest.fixture
def seated(exam, play, rpc):
    rpc.exam.save_room(t.room("R1", 12))
    rpc.exam.save_room(t.room("R2", 12))
    play.confirm([t.confirmed(i) for i in range(25)])
    rpc.exam.close_rosters(today=t.AFTER_PAYMENT)
    rpc.exam.arrange({"batch_code": t.BATCH, "rooms": ["R1", "R2"]})
    return rpc.exam.get_arrangement(t.BATCH)["seats"]


def test_the_seat_list_is_paged_sorted_and_filtered_by_the_service(seated, rpc):
    tickets = sorted(s["ticket_number"] for s in seated)
    first = rpc.exam.list_seats(t.BATCH, page=1, size=10)
    assert (first["total"], first["page"], first["size"]) == (25, 1, 10)
    assert [r["ticket_number"] for r in first["items"]] == tickets[:10]
    last = rpc.exam.list_seats(t.BATCH, page=3, size=10)
    assert [r["ticket_number"] for r in last["items"]] == tickets[20:]
    down = rpc.exam.list_seats(t.BATCH, sort="-ticket_number", size=5)
    assert [r["ticket_number"] for r in down["items"]] == tickets[::-1][:5]

    room = seated[0]["room"]
    session = seated[0]["session"]
    mine = rpc.exam.list_seats(t.BATCH, session_code=session, room_code=room, size=200)
    assert mine["total"] == sum(s["room"] == room and s["session"] == session for s in seated)
    assert {(r["session"], r["room"]) for r in mine["items"]} == {(session, room)}
    by_seat = rpc.exam.list_seats(t.BATCH, session_code=session, room_code=room, sort="seat")
    assert [r["seat"] for r in by_seat["items"]] == sorted(r["seat"] for r in mine["items"])

    prefix = tickets[0][:12]
    assert {r["ticket_number"] for r in rpc.exam.list_seats(t.BATCH, ticket=prefix)["items"]} \
        == {x for x in tickets if x.startswith(prefix)}
    assert rpc.exam.list_seats(t.BATCH, attendance="pending")["total"] == 25
    assert rpc.exam.list_seats(t.BATCH, attendance="present")["total"] == 0
    row = first["items"][0]
    assert row["computer"] is None and row["result"] is None and row["attendance"] is None


def test_a_seat_list_query_out_of_bounds_names_its_field(seated, rpc):
    for query, field in ((dict(size=500), "size"), (dict(page=0), "page"),
                         (dict(sort="id_number"), "sort"), (dict(ticket="12a"), "ticket"),
                         (dict(attendance="late"), "attendance")):
        with pytest.raises(ValidationFailed) as err:
            rpc.exam.list_seats(t.BATCH, **query)
        assert field in err.value.details["errors"], query
