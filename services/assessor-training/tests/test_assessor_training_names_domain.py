"""Assessor training: applicants' names normalised with kernel.names (A2, A3)."""
import pytest

from kernel.errors import ValidationFailed
from kernel.schemas import load

from assessor_training.schemas import PersonSchema


def test_applicant_name_is_normalised_and_bidi_characters_refused():
    schema = PersonSchema(only=("name",))
    assert load(schema, {"name": "买买提  •艾力 "}) == {"name": "买买提·艾力"}
    with pytest.raises(ValidationFailed) as err:
        load(schema, {"name": "买买提\u200b艾力"})
    assert err.value.field == "name"
