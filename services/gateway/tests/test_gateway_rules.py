"""Unit tests of the gateway's rule-carrying refusals (#14): a candidate or an
institution operator attaches or reads only files it uploaded or may read, and
is told MATERIAL_NOT_FOUND (M1 photo, M2 scan) or RECEIPT_NOT_FOUND (M3) as for
a file never uploaded. Pure: no broker."""
import pytest

from kernel.errors import NotFound

from gateway import domain
from gateway.domain import Principal

CANDIDATE = Principal("c", domain.CANDIDATE, "张三")
OPERATOR = Principal("op", domain.INSTITUTION, "op", institution_code="inst-01")
REVIEWER = Principal("r", domain.REVIEWER, "r")
MINE = {"uploaders": ["candidate:c"], "applications": []}
THEIRS = {"uploaders": ["candidate:other"], "applications": []}


def codes(err):
    return err.value.code, err.value.rule, err.value.field


@pytest.mark.parametrize("field, rule", [("materials.photo", "M1"),
                                         ("materials.id_front", "M2")])
def test_M1_M2_only_ones_own_files_are_attached_MATERIAL_NOT_FOUND(field, rule):
    refs = [("materials.diploma", "a"), (field, "b")]
    domain.check_attachable_materials(CANDIDATE, refs, {"a": MINE, "b": MINE})
    domain.check_attachable_materials(REVIEWER, refs, {})
    for readers in ({"a": MINE, "b": THEIRS}, {"a": MINE}):   # another's, or unknown
        with pytest.raises(NotFound) as err:
            domain.check_attachable_materials(CANDIDATE, refs, readers)
        assert codes(err) == ("MATERIAL_NOT_FOUND", rule, field)


def test_M3_a_receipt_is_read_or_named_only_by_who_may_read_it_RECEIPT_NOT_FOUND():
    own = {"uploaders": ["institution:inst-01"], "applications": []}
    domain.check_receipt_readable(OPERATOR, own)
    domain.check_receipt_readable(REVIEWER, None)
    for field in ("hash", "receipt.file"):
        for readers in (None, THEIRS):
            with pytest.raises(NotFound) as err:
                domain.check_receipt_readable(OPERATOR, readers, field)
            assert codes(err) == ("RECEIPT_NOT_FOUND", "M3", field)
