"""Payment: payer names normalised with kernel.names (receipts, bank statements,
approved applications); rapidfuzz matching unchanged (K1, P3)."""
import pytest

from kernel.errors import ValidationFailed
from kernel.schemas import load

from payment import testing
from payment.domain import statements
from payment.schemas import ReceiptSchema

RECEIPT = {"file": "0" * 64, "payee_name": "四川省职业技能鉴定指导中心",
           "payee_account": "1234", "amount_fen": 20000}


def test_P3_receipt_payer_name_is_normalised_and_control_characters_refused():
    out = load(ReceiptSchema(), dict(RECEIPT, payer_name=" 阿依古丽・买买提  "))
    assert out["payer_name"] == "阿依古丽·买买提"
    with pytest.raises(ValidationFailed) as err:
        load(ReceiptSchema(), dict(RECEIPT, payer_name="张\u202e三"))
    assert err.value.field == "payer_name"


def test_K1_statement_payer_names_are_normalised_like_everyone_elses():
    text = testing.statement_csv([["S1", "2026-11-16", "200.00", "C", "阿依古丽•买买提 ", "", ""],
                                  ["S2", "2026-11-16", "200.00", "C", "李  四", "", ""]])
    credits = statements.parse_statement(text)["credits"]
    assert [c["payer_name"] for c in credits] == ["阿依古丽·买买提", "李 四"]
