"""The exam administration console's operations (考务, issue #17) beyond the
exam section of gateway.routes: the seat list as one server-side page
(filtered, sorted and paged by the exam service), which the console's seat
plan, check-in desk and score tables read."""
from exam import schemas as exam

from gateway.handlers.common import body, relay
from gateway.route import EXAM_STAFF, Route

SeatListQuery = body(exam.SeatListSchema, "SeatListQuery", "batch_code")
SEAT_FILTERS = ("session_code", "room_code", "project_code", "attendance", "ticket", "sort",
                "page", "size")

ROUTES = (
    Route("GET", "/exam/batches/{batch_code}/seats", "list_seats", EXAM_STAFF,
          relay("exam", "list_seats", path=("batch_code",), query=SEAT_FILTERS),
          "One page of a batch's seat list (考生签到册): filtered by session, room, project, "
          "attendance and a ticket number's beginning, sorted and paged by the service; "
          "each row with its computer score and result", "exam", query=SeatListQuery,
          services=("exam",)),
)
