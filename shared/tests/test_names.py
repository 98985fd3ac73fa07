"""kernel.names: one normal form for people's names on both sides of every look-up."""
import pytest
from marshmallow import Schema

from kernel import names
from kernel.errors import ValidationFailed
from kernel.schemas import load

DOT = "\u00b7"


@pytest.mark.parametrize("typed", [
    "阿依古丽·买买提", "阿依古丽\u2022买买提", "阿依古丽\u2027买买提", "阿依古丽\u2219买买提",
    "阿依古丽\u30fb买买提", "阿依古丽\uff65买买提", "阿依古丽\u22c5买买提", "阿依古丽\u0387买买提",
    "阿依古丽.买买提", "阿依古丽．买买提", "阿依古丽 · 买买提", " 阿依古丽・买买提　",
])
def test_every_middle_dot_variant_becomes_one_u00b7(typed):
    assert names.normalize(typed) == f"阿依古丽{DOT}买买提"


def test_trimmed_and_internal_runs_of_spaces_collapsed():
    assert names.normalize("  张三 ") == "张三"
    assert names.normalize("Maria   del\u3000\u00a0Carmen") == "Maria del Carmen"


def test_nfc_a_combining_mark_equals_the_precomposed_letter():
    assert names.normalize("Jose\u0301") == "Jos\u00e9"
    assert names.same("Jose\u0301 ", "José")


def test_a_dot_between_latin_letters_stays_a_full_stop():
    assert names.normalize("J. Smith") == "J. Smith"


@pytest.mark.parametrize("bad, code", [
    ("张\u202e三", "U+202E"), ("张\u200b三", "U+200B"), ("\ufeff张三", "U+FEFF"),
    ("张\t三", "U+0009"), ("张三\n", "U+000A"), ("张\u2028三", "U+2028"),
    ("张\u200d三", "U+200D"), ("张\u2066三", "U+2066"),
])
def test_control_and_bidi_characters_refused_naming_the_field(bad, code):
    with pytest.raises(ValidationFailed) as err:
        names.normalize(bad, field="holder.name")
    assert err.value.code == "VALIDATION_FAILED"
    assert err.value.field == "holder.name"
    assert code in err.value.details["characters"]
    assert "holder.name" in err.value.details["errors"]


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_empty_or_not_text_refused(bad):
    with pytest.raises(ValidationFailed) as err:
        names.normalize(bad)
    assert err.value.field == "name"


def test_private_use_characters_kept_for_rare_name_characters():
    assert names.normalize("王\ue000") == "王\ue000"


def test_name_field_normalises_in_a_schema_and_names_the_nested_path():
    from marshmallow import fields

    class Person(Schema):
        name = names.NameField(required=True)

    class Outer(Schema):
        person = fields.Nested(Person, required=True)

    assert load(Outer(), {"person": {"name": "阿依古丽•买买提 "}}) == {
        "person": {"name": f"阿依古丽{DOT}买买提"}}
    with pytest.raises(ValidationFailed) as err:
        load(Outer(), {"person": {"name": "张\u202e三"}})
    assert err.value.field == "person.name"


def test_lenient_form_keeps_what_it_cannot_normalise():
    assert names.normalize_lenient("张三 ") == "张三"
    assert names.normalize_lenient("张\u202e三") == "张\u202e三"
