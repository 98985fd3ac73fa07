"""Training periods (A1): their dates in order, the application window."""
from kernel.errors import RuleViolation

EXAM_MINUTES = 90              # A1: the offline exam lasts 90 minutes


def period_code(year, seq):
    return f"{year}-{seq}"


def check_period(data):
    """A1: the dates of a period follow each other; returns the period with its code."""
    order = [
        ("application.start", data["application"][0]),
        ("application.end", data["application"][1]),
        ("review_deadlines.unit", data["review_deadlines"]["unit"]),
        ("review_deadlines.municipal", data["review_deadlines"]["municipal"]),
        ("review_deadlines.provincial", data["review_deadlines"]["provincial"]),
        ("study.start", data["study"][0]),
        ("study.end", data["study"][1]),
        ("exam_date", data["exam_date"]),
    ]
    for (before_name, before), (name, value) in zip(order, order[1:]):
        strictly = name == "study.start"       # training starts after the last review
        if value < before or (strictly and value == before):
            raise RuleViolation(
                "PERIOD_DATES_OUT_OF_ORDER",
                f"{name} ({value}) must come {'after' if strictly else 'on or after'} "
                f"{before_name} ({before})", field=name, rule="A1",
                details={name: str(value), before_name: str(before)})
    return dict(data, code=period_code(data["year"], data["seq"]))


def check_application_open(period, today):
    """A1: applications only inside the period's application window."""
    start, end = period["application"]
    if not start <= today <= end:
        raise RuleViolation(
            "APPLICATION_WINDOW_CLOSED",
            f"applications for period {period['code']} are open from {start} to {end}; "
            f"today is {today}", field="period_code", rule="A1",
            details={"window": [str(start), str(end)], "today": str(today)})
