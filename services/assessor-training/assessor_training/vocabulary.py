"""The values assessor training's contracts (schemas.py) and its rules
(assessor_training.domain) share: importable without the rules, so the gateway
may use the schemas."""

EDUCATION_LEVELS = ("junior_high", "high_school", "junior_college", "bachelor", "master",
                    "doctor")
# 职业资格证书 / 职业技能等级证书 levels, lowest first
QUALIFICATION_LEVELS = ("junior", "intermediate", "senior", "technician", "senior_technician")
QUALIFICATION_KINDS = ("vocational_qualification", "skill_level")
# 专业技术职称 levels, lowest first
TITLE_LEVELS = ("junior", "intermediate", "associate_senior", "senior")
UNIT_KINDS = ("filed", "proposed")      # 已备案 | 拟备案 (filing accepted on a date)

PROVINCIAL = "provincial"      # the authority of the provincial center's step
STEPS = ("unit", "municipal", PROVINCIAL)     # the review chain (A1)
