"""The reviewer console's operations (复审, #17): the work queue as the
console's table asks for it, sorted, filtered and paged by the review service
(the other review routes are in gateway.routes)."""
from marshmallow import fields, validate

from review.schemas import SortedQueueSchema

from gateway.handlers.common import relay
from gateway.route import REVIEWERS, Route

QUEUE_ARGS = ("batch_code", "project_code", "institution_code", "stage", "channel", "overdue",
              "sort", "limit", "offset")


class ConsoleQueueQuery(SortedQueueSchema):
    """review.list_pending's filters, order and page, with a bounded offset (the
    service's own schema takes any integer, and a huge one overflows the driver)."""
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


ROUTES = (
    Route("GET", "/review/console/queue", "review_console_queue", REVIEWERS,
          relay("review", "list_pending", query=QUEUE_ARGS),
          "The reviewer console's table: open review tasks filtered by batch, project, "
          "institution, stage, channel and being overdue (V1), sorted and paged on the "
          "server", "review", query=ConsoleQueueQuery, services=("review",),
          description="sort: due_on (the default: the earliest due first), received_on, "
          "project_code, institution_code or name, '-' first for descending; overdue=true "
          "only the tasks past their working-day due date, false only the others; "
          "{total, items} with at most limit (1-1000) items from offset."),
)
