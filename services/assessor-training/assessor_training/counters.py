"""The assessor-training service's business metrics (kernel.metrics), declared once."""
from kernel import metrics

APPLICATIONS = metrics.counter("skillcert_assessor_applications_total",
                               "Assessor-training applications by what happened to them",
                               ["event"])
CARDS = metrics.counter("skillcert_assessor_cards_total", "Assessor cards by what happened",
                        ["event"])
EXPIRING = metrics.gauge("skillcert_assessor_cards_expiring_30d",
                         "Valid assessor cards whose validity ends within 30 days")
