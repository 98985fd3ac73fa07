"""The values review's contracts (schemas.py) and its rules (domain.py) share:
importable without the rules, so the gateway may use the schemas."""

# stage of a task: who reviews what
RE_REVIEW = "re_review"            # 复审: the center, after the institution's first review
CENTER_REVIEW = "center_review"    # 审核: the center, an individual application
STAGES = (RE_REVIEW, CENTER_REVIEW)

DECISIONS = {"approve": "approved", "reject": "rejected", "return": "returned"}

ROLES = ("center", "institution")
