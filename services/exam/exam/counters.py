"""The exam service's business counters (besides the kernel's per-entrypoint figures)."""
from kernel import metrics

ROSTER = metrics.counter("skillcert_exam_roster_total", "Roster changes", ["event"])
TICKETS = metrics.counter("skillcert_exam_tickets_total", "Admission tickets handed out",
                          ["channel", "late"])
CHECK_INS = metrics.counter("skillcert_exam_check_ins_total", "Candidates checked in", [])
FINALIZED = metrics.counter("skillcert_exam_results_finalized_total", "Results finalized",
                            ["passed"])
CANDIDATES = metrics.gauge("skillcert_exam_candidates_by_stage",
                           "Candidates of a batch and project seated and present (the dashboard)",
                           ["batch_code", "project_code", "stage"])
