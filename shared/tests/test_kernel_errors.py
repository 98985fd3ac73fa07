"""kernel.errors: typed errors that cross nameko's RPC serialisation intact."""
import json

import pytest
from marshmallow import Schema, ValidationError, fields
from nameko.exceptions import RemoteError, deserialize, serialize

from kernel import errors
from kernel.errors import (CalendarUnavailable, Conflict, DomainError, Forbidden, NotFound,
                           RpcTimeout, RuleViolation, ValidationFailed)


class ToyRefusal(RuleViolation):
    """A service's own subclass, defined outside the kernel."""


def over_the_wire(exc):
    """What an RPC caller gets back: serialise, through JSON, deserialise."""
    return deserialize(json.loads(json.dumps(serialize(exc))))


ALL = [DomainError, ValidationFailed, NotFound, Conflict, Forbidden, RuleViolation,
       CalendarUnavailable, ToyRefusal]


@pytest.mark.parametrize("cls", ALL)
def test_domain_errors_survive_serialisation_with_every_attribute(cls):
    exc = cls("SCAN_TOO_BIG", "a scan must be 200 to 300 KB", field="materials.id_front",
              rule="M2", details={"size": 307201, "max": 307200, "ratio": 1.5,
                                  "ok": False, "none": None, "kinds": ["jpeg", "png"],
                                  "nested": {"n": 1}})
    back = over_the_wire(exc)
    assert type(back) is cls
    assert back.code == "SCAN_TOO_BIG"
    assert back.message == "a scan must be 200 to 300 KB"
    assert back.field == "materials.id_front"
    assert back.rule == "M2"
    assert back.details == exc.details
    assert back.status == cls.status
    assert str(back) == str(exc)
    assert back.to_dict() == exc.to_dict()


@pytest.mark.parametrize("cls", ALL)
def test_absent_field_rule_and_details_stay_absent(cls):
    back = over_the_wire(cls("BATCH_NOT_FOUND", "no batch 2031-01"))
    assert type(back) is cls
    assert back.field is None
    assert back.rule is None
    assert back.details == {}
    assert str(back) == "BATCH_NOT_FOUND: no batch 2031-01"


def test_R2_rule_violation_round_trip():
    exc = RuleViolation("ID_NUMBER_INVALID", "the check character does not match",
                        field="id_number", rule="R2", details={"id_number": None})
    back = over_the_wire(exc)
    assert back.to_dict() == {"code": "ID_NUMBER_INVALID",
                              "message": "the check character does not match",
                              "field": "id_number", "rule": "R2",
                              "details": {"id_number": None}}
    assert str(back) == "ID_NUMBER_INVALID [id_number]: the check character does not match (R2)"


def test_rpc_timeout_keeps_its_defaults_over_the_wire():
    exc = RpcTimeout(details={"service": "exam", "method": "get_batch", "timeout_s": 0.5})
    assert exc.code == "RPC_TIMEOUT" and exc.status == "timeout"
    back = over_the_wire(exc)
    assert type(back) is RpcTimeout
    assert back.code == "RPC_TIMEOUT"
    assert back.message == "the service did not answer in time"
    assert back.details == {"service": "exam", "method": "get_batch", "timeout_s": 0.5}


def test_non_json_details_arrive_as_text():
    from datetime import date
    back = over_the_wire(Conflict("X", "y", details={"exam_date": date(2026, 3, 28)}))
    assert back.details == {"exam_date": "2026-03-28"}


def test_every_subclass_is_registered_for_deserialisation():
    for cls in ALL:
        assert errors.registry[f"{cls.__module__}.{cls.__name__}"] is cls


def test_a_plain_exception_is_a_remote_error():
    back = over_the_wire(KeyError("nope"))
    assert isinstance(back, RemoteError) and not isinstance(back, DomainError)


def test_domain_errors_pickle():
    import pickle
    exc = ToyRefusal("C", "m", field="f", rule="R3", details={"n": 1})
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is ToyRefusal and back.to_dict() == exc.to_dict()


def test_status_classes():
    assert {cls.status for cls in ALL} >= {"invalid", "not_found", "conflict", "forbidden",
                                           "unprocessable", "unavailable"}
    assert ValidationFailed.status == "invalid"
    assert NotFound.status == "not_found"


# ValidationFailed.from_marshmallow -------------------------------------------------------

class Window(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class Application(Schema):
    name = fields.String(required=True)
    id_number = fields.String(required=True)
    age = fields.Integer()
    registration = fields.Nested(Window)
    documents = fields.List(fields.String())


def _errors(data):
    with pytest.raises(ValidationError) as err:
        Application().load(data)
    return err.value.messages


def test_from_marshmallow_names_the_first_bad_field():
    messages = _errors({"id_number": "11010519491231002X", "age": "old"})
    exc = ValidationFailed.from_marshmallow(messages, rule="R2")
    assert exc.code == "VALIDATION_FAILED"
    assert exc.field == "name"                               # declared first, missing
    assert exc.message == "name: Missing data for required field."
    assert exc.rule == "R2"
    assert exc.details == {"errors": messages}
    assert set(exc.details["errors"]) == {"name", "age"}     # every bad field is listed


def test_from_marshmallow_one_bad_field():
    exc = ValidationFailed.from_marshmallow(
        _errors({"name": "张三", "id_number": "x", "age": "old"}))
    assert exc.field == "age"
    assert exc.message == "age: Not a valid integer."


def test_from_marshmallow_nested_field_is_named_by_its_path():
    exc = ValidationFailed.from_marshmallow(
        _errors({"name": "张三", "id_number": "x",
                 "registration": {"start": "2026-02-06", "end": "soon"}}))
    assert exc.field == "registration.end"
    assert exc.message == "registration.end: Not a valid date."


def test_from_marshmallow_list_item_is_named_by_its_index():
    exc = ValidationFailed.from_marshmallow(
        _errors({"name": "张三", "id_number": "x", "documents": ["ok", 5]}))
    assert exc.field == "documents.1"
    assert exc.message == "documents.1: Not a valid string."


def test_from_marshmallow_schema_level_message_list():
    exc = ValidationFailed.from_marshmallow(["the request must be an object"])
    assert exc.field is None
    assert exc.message == "the request must be an object"


def test_from_marshmallow_survives_the_wire():
    exc = ValidationFailed.from_marshmallow(_errors({"id_number": "x"}))
    back = over_the_wire(exc)
    assert type(back) is ValidationFailed
    assert back.field == "name"
    assert back.details == {"errors": {"name": ["Missing data for required field."]}}


def test_from_marshmallow_schema_level_error_names_no_field():
    exc = ValidationFailed.from_marshmallow({"_schema": ["registration ends before it starts"]})
    assert exc.field is None
    assert exc.message == "registration ends before it starts"
    nested = ValidationFailed.from_marshmallow({"registration": {"_schema": ["inverted"]}})
    assert nested.field == "registration"
    assert nested.message == "registration: inverted"
