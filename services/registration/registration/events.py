"""The registration service's events: one contract each (kernel.events),
importable without registration's rules or database. Emitted on the exchange
``registration.events``."""
from marshmallow import ValidationError, fields, validate, validates_schema

from kernel.events import Event, Payload, text

CHANNELS = ("institution", "individual")


class ApplicationPayload(Payload):
    """An application as submitted (the snapshot review reviews, the profile exam keeps)."""
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    batch_code = text(20, required=True)
    project_code = text(80, required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    institution_code = text(40, load_default=None, allow_none=True)
    id_number = text(18, required=True)
    name = text(50, required=True)
    sex = fields.String(load_default=None, allow_none=True)
    birth_date = fields.String(load_default=None, allow_none=True)
    person = fields.Dict(load_default=dict)
    claim = fields.Dict(load_default=dict)
    precheck = fields.Dict(required=True)
    first_review = fields.Dict(load_default=None, allow_none=True)
    photo = text(64, required=True)
    materials = fields.Dict(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    changed = fields.List(fields.String(), load_default=None)

    @validates_schema
    def _channel_fields(self, data, **kwargs):
        if data.get("channel") == "institution" and not data.get("institution_code"):
            raise ValidationError("required for the institution channel", "institution_code")
        work_unit = (data.get("person") or {}).get("work_unit")
        if work_unit is not None and (not isinstance(work_unit, str) or len(work_unit) > 200):
            raise ValidationError("at most 200 characters", "person")


class WithdrawnPayload(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    batch_code = text(20)
    project_code = text(80)
    reason = fields.String(load_default=None, allow_none=True)


APPLICATION_SUBMITTED = Event("registration", "application_submitted", ApplicationPayload,
                              doc="a new application (`changed` is absent).")
APPLICATION_RESUBMITTED = Event("registration", "application_resubmitted", ApplicationPayload,
                                doc="""an application resubmitted after it was returned;
                                the whole snapshot again, `changed` names what changed.""")
APPLICATION_WITHDRAWN = Event("registration", "application_withdrawn", WithdrawnPayload,
                              doc="the candidate or institution withdrew it.")


class RegistrantsCountedPayload(Payload):
    """B1: 报名人数 of one batch and project (registration.domain.is_registrant)."""
    batch_code = text(20, required=True)
    project_code = text(80, required=True)
    registrants = fields.Integer(required=True, validate=validate.Range(min=0))
    counted_at = fields.AwareDateTime(required=True)


REGISTRANTS_COUNTED = Event("registration", "registrants_counted", RegistrantsCountedPayload,
                            doc="""B1: the batch/project's 报名人数 changed (a submission, a
                            withdrawal, a rejection, not accepted, abandoned, cancelled);
                            the count as committed, sent by the count_registrants timer
                            within about a second (one event for many changes).""")
