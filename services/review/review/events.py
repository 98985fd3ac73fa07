"""The review service's events: one contract each (kernel.events), importable
without review's rules or database. Emitted on the exchange ``review.events``."""
from marshmallow import ValidationError, fields, validate, validates_schema

from kernel.events import Event, Payload

CHANNELS = ("institution", "individual")
NOT_ACCEPTED_CAUSES = ("window", "correction")


class DecisionPayload(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    batch_code = fields.String(required=True)
    project_code = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    institution_code = fields.String(load_default=None, allow_none=True)
    id_number = fields.String(required=True)
    name = fields.String(required=True)
    actor = fields.String(load_default=None, allow_none=True)
    reason = fields.String(load_default=None, allow_none=True)
    decided_at = fields.String(load_default=None, allow_none=True)
    fields_to_fix = fields.List(fields.String())

    @validates_schema
    def _institution(self, data, **kwargs):
        if data.get("channel") == "institution" and not data.get("institution_code"):
            raise ValidationError("required for the institution channel", "institution_code")


class NotAcceptedPayload(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    batch_code = fields.String(required=True)
    project_code = fields.String(required=True)
    reason = fields.String(load_default=None, allow_none=True)
    # V2: "window" (returned, not resubmitted in time) or "correction" (an individual
    # application's resubmission a reviewer found still wrong); older events: window
    cause = fields.String(load_default="window", validate=validate.OneOf(NOT_ACCEPTED_CAUSES))


APPLICATION_APPROVED = Event("review", "application_approved", DecisionPayload, doc="""
    a reviewer approved it (`reason` null without a comment).""")
APPLICATION_REJECTED = Event("review", "application_rejected", DecisionPayload, doc="""
    a reviewer rejected it.""")
APPLICATION_RETURNED = Event("review", "application_returned", DecisionPayload, doc="""
    returned for correction; `fields_to_fix` lists the field names.""")
APPLICATION_NOT_ACCEPTED = Event("review", "application_not_accepted", NotAcceptedPayload,
                                 doc="""V2: a returned application not resubmitted by the
                                 end of its batch's review window (`cause` window), or
                                 an individual application whose correction a reviewer
                                 found still wrong (`cause` correction: 修改不正确的，
                                 不再受理个人报名).""")

BY_STATUS = {"approved": APPLICATION_APPROVED, "rejected": APPLICATION_REJECTED,
             "returned": APPLICATION_RETURNED}
