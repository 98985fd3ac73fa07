"""The values registration's contracts (schemas.py) and its rules (domain.py)
share: importable without the rules, so the gateway may use the schemas."""

EDUCATION_LEVELS = ("junior_high", "high_school", "junior_college", "bachelor", "master",
                    "doctor")
EDUCATION_PROOF_KINDS = (
    "chsi_report",          # ① 学信网在线学籍证明报告
    "school_status_card",   # ② 学校教务处打印并盖章的学籍卡 (在校生)
    "diploma",              # ③ 学历证书 (或教育部留学服务中心国外学历学位认证书)
    "diploma_certificate",  # ④ 毕业证书遗失: 原发证单位开具的学历证明
    "statement",            # ⑤ 本人签名并按手印的情况说明
)

# the eligibility pre-check's verdict and each check's state: met (符合), not met
# (不符合), needs a reviewer's judgement (需人工审核)
PRECHECK_STATES = ("met", "not_met", "needs_review")
