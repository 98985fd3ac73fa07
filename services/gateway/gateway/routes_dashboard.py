"""数据看板 (#17): one route gathering the figures the services' business
gauges are set from (gateway.handlers.dashboard); each staff role its slice."""
from marshmallow import fields, validate

from kernel.schemas import StrictSchema

from gateway.domain import (CERTIFICATE_OFFICER, EXAM_ADMIN, FINANCE, MUNICIPAL, PROVINCIAL,
                            REVIEWER)
from gateway.handlers import dashboard
from gateway.route import Route


class DashboardQuery(StrictSchema):
    batch_code = fields.String(load_default=None, validate=validate.Length(min=1, max=20))


def _count(**kw):
    return fields.Integer(required=True, **kw)


class StageRowSchema(StrictSchema):
    batch_code = fields.String(required=True)
    project_code = fields.String(required=True)
    registered = _count()
    approved = _count()
    paid = _count()
    seated = _count()
    present = _count()
    passed = _count()
    failed = _count(metadata={"description": "results that were not a pass"})
    certified = _count()


class PassRateSchema(StrictSchema):
    project_code = fields.String(required=True)
    passed = _count()
    failed = _count()
    rate = fields.Float(required=True, allow_none=True,
                        metadata={"description": "passed / (passed + failed); null before any "
                                                 "result"})


class OverdueSchema(StrictSchema):
    batch_code = fields.String(required=True)
    stage = fields.String(required=True)
    count = _count()


class AwaitingSchema(StrictSchema):
    batch_code = fields.String(required=True)
    count = _count()


class DashboardSchema(StrictSchema):
    sections = fields.List(fields.String(), required=True)
    batch_code = fields.String(required=True, allow_none=True)
    batches = fields.List(fields.String())
    stages = fields.List(fields.Nested(StageRowSchema))
    pass_rates = fields.List(fields.Nested(PassRateSchema))
    overdue_reviews = fields.List(fields.Nested(OverdueSchema))
    awaiting_payments = fields.List(fields.Nested(AwaitingSchema))
    cards_expiring_30d = fields.Integer()


ROUTES = (
    Route("GET", "/dashboard", "dashboard",
          (REVIEWER, FINANCE, EXAM_ADMIN, CERTIFICATE_OFFICER, MUNICIPAL, PROVINCIAL),
          dashboard.dashboard,
          "数据看板: per batch and project the applications at every stage (registered, "
          "approved, paid, seated, present, passed, certified), pass rates by project, "
          "reviews overdue, payments awaiting confirmation, assessor cards expiring",
          "dashboard", query=DashboardQuery, response=DashboardSchema,
          services=("registration", "exam", "review", "payment", "assessor_training"),
          description="The figures come from the same functions the services set their "
          "Prometheus business gauges from (skillcert_registration_stage, "
          "skillcert_exam_candidates_by_stage, skillcert_review_overdue_tasks, "
          "skillcert_payment_awaiting_confirmation, skillcert_assessor_cards_expiring_30d), "
          "read at the time of the request. 'sections' says which parts the role sees: the "
          "provincial and municipal centers all, a reviewer stages and overdue_reviews, "
          "finance stages and awaiting_payments, exam and certificate staff stages and "
          "pass_rates."),
)
