"""The values review's contracts (schemas.py) and its rules (domain.py) share:
importable without the rules, so the gateway may use the schemas."""

# stage of a task: who reviews what
RE_REVIEW = "re_review"            # 复审: the center, after the institution's first review
CENTER_REVIEW = "center_review"    # 审核: the center, an individual application
STAGES = (RE_REVIEW, CENTER_REVIEW)

DECISIONS = {"approve": "approved", "reject": "rejected", "return": "returned"}

ROLES = ("center", "institution")

# how a work queue may be sorted (list_pending's ``sort``; "-" first: descending)
QUEUE_SORTS = ("due_on", "received_on", "project_code", "institution_code", "name")
QUEUE_ORDERS = QUEUE_SORTS + tuple("-" + k for k in QUEUE_SORTS)
CHANNELS = ("institution", "individual")
