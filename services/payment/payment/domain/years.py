"""Which notice's payment rules a batch follows: the notice of the batch's
year (P1, P2). Pure.

- 2024 (000 五): "采用网上报名方式完成个人报名并通过资格审核的考生，须在规定的缴费期内到
  省职鉴中心5楼509室…开具“三联单”，采用“对公转账”线下缴费的方式完成缴费。考生须在信息
  系统中上传“银行回单”等已缴费凭证，待省职鉴中心确认。" An individual gets the
  三联单 from the center's office first, then transfers, uploads the receipt
  and submits: the center records the 三联单 it issued (``payment_slip``) and a
  2024 individual's payment without one is refused. The 2024 notice states no
  wording for a payment made by someone else and says nothing of how
  institutions pay: neither the proxy wording nor the institution's note is
  asked for (an institution still submits one receipt for its candidates).
- 2026 (001 五(一)/(二)): the institution pays by one 对公转账 for its approved
  candidates and notes "考核日期、人数" (``institution_note``); a payment made by
  someone else for an individual notes "该笔费用由XXXX（代缴人姓名）代XXX（考生姓名）
  缴纳XXX考试日期XXX考试项目的费用，金额为XXX元" (``proxy_note``); no 三联单.

A year without a notice of its own follows the latest notice before it (2025:
2024's, 2027: 2026's until a 2027 notice says otherwise); a year before the
first follows the first.
"""
from dataclasses import asdict, dataclass

from kernel.errors import RuleViolation


@dataclass(frozen=True)
class PaymentRules:
    notice_year: int
    institution_note: bool      # P1: the transfer note states exam date and headcount
    proxy_note: bool            # P2: a payment by someone else follows the wording
    payment_slip: bool          # P2: an individual gets the 三联单 at the center's office

    def as_dict(self):
        return asdict(self)


NOTICES = {
    2024: PaymentRules(2024, institution_note=False, proxy_note=False, payment_slip=True),
    2026: PaymentRules(2026, institution_note=True, proxy_note=True, payment_slip=False),
}


def rules_for(year):
    """The payment rules of a batch's year (see the module's text)."""
    year = int(year)
    earlier = [y for y in NOTICES if y <= year]
    return NOTICES[max(earlier) if earlier else min(NOTICES)]


def check_slip_issuable(item, rules):
    """P2 (2024): the center issues a 三联单 to an individual candidate of a year
    whose notice has one."""
    if item["channel"] != "individual":
        raise RuleViolation("PAYMENT_SLIP_NOT_USED", "a 三联单 is issued to individual "
                            "candidates; an institution pays for its candidates itself",
                            field="application_id", rule="P2",
                            details={"channel": item["channel"]})
    if not rules.payment_slip:
        raise RuleViolation("PAYMENT_SLIP_NOT_USED", f"the {rules.notice_year} notice has no "
                            "三联单: the candidate transfers and uploads the receipt",
                            field="application_id", rule="P2",
                            details={"notice_year": rules.notice_year})


def check_slip_issued(slip_number, rules):
    """P2 (2024): an individual's payment follows the 三联单 the center issued."""
    if rules.payment_slip and not slip_number:
        raise RuleViolation("PAYMENT_SLIP_MISSING", "the center has not issued this "
                            "application's 三联单: get it at the center's office in the payment "
                            "window, then transfer and submit the receipt",
                            field="application_id", rule="P2",
                            details={"notice_year": rules.notice_year})
