"""Unit tests of the kernel's rule-carrying refusals no unit test named before (#14):
MATERIAL_NOT_FOUND (M1 for a photo, M2 for a scan) from kernel.uploads, and the rule
a caller gives kernel.schemas.load carried by each of its VALIDATION_FAILED. Pure:
no broker; an in-memory SQLite session for the uploads table."""
import pytest
from marshmallow import fields
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session

from kernel import uploads
from kernel.db import utcnow
from kernel.errors import NotFound, ValidationFailed
from kernel.schemas import StrictSchema, load

PHOTO, SCAN = "a" * 64, "b" * 64


class Base(DeclarativeBase):
    pass


class Material(uploads.MaterialRecord, Base):
    pass


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Material(hash=PHOTO, purpose="photo", media_type="image/png", size=1,
                            uploaded_at=utcnow()),
                   Material(hash=SCAN, purpose="scan", media_type="application/pdf", size=1,
                            uploaded_at=utcnow())])
        s.flush()
        yield s


def test_M1_a_photo_reference_must_be_an_uploaded_photo_MATERIAL_NOT_FOUND(session):
    uploads.require(session, Material, PHOTO, "photo", "materials.photo")
    for key in ("c" * 64, SCAN):            # never uploaded, or uploaded as a scan
        with pytest.raises(NotFound) as err:
            uploads.require(session, Material, key, "photo", "materials.photo")
        assert (err.value.code, err.value.rule, err.value.field) == (
            "MATERIAL_NOT_FOUND", "M1", "materials.photo")


def test_M2_the_first_missing_scan_of_many_is_refused_MATERIAL_NOT_FOUND(session):
    refs = [("materials.photo", PHOTO, "photo"), ("materials.id_front", SCAN, "scan")]
    uploads.require_all(session, Material, refs)
    uploads.require_all(session, Material, [])
    with pytest.raises(NotFound) as err:
        uploads.require_all(session, Material, refs + [("materials.diploma", "d" * 64, "scan"),
                                                       ("materials.x", "e" * 64, "photo")])
    assert (err.value.code, err.value.rule, err.value.field) == (
        "MATERIAL_NOT_FOUND", "M2", "materials.diploma")


class Person(StrictSchema):
    name = fields.String(required=True)


@pytest.mark.parametrize("data, field", [(["not", "an", "object"], None),
                                         ({"name": "张\x00三"}, "name"),
                                         ({"name": 3}, "name"),
                                         ({}, "name")])
def test_R2_load_gives_every_VALIDATION_FAILED_the_callers_rule(data, field):
    assert load(Person(), {"name": "张三"}, rule="R2") == {"name": "张三"}
    with pytest.raises(ValidationFailed) as err:
        load(Person(), data, rule="R2")
    assert (err.value.code, err.value.rule, err.value.field) == ("VALIDATION_FAILED", "R2",
                                                                 field)
    with pytest.raises(ValidationFailed) as err:
        load(Person(), data)
    assert err.value.rule is None
