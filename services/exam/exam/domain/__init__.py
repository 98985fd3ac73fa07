"""The rules of the exam service, one module per area. Pure: no broker, no
database, no clock (``today`` is passed in). Rule IDs are DOMAIN.md's (B1,
T1-T5) and the project-local CS1 (docs/architecture.md).

| module | area | rules |
|---|---|---|
| batches | the batch catalogue: windows, accepted ID documents | T2 |
| candidates | a candidate's status: the one state machine | CS1 |
| rosters | rosters per batch/project, at least 10 candidates | B1 |
| rooms | rooms, seats and spacing; the sessions of an exam day | T3 |
| arrangement | seats, sessions and ticket numbers | T3, T1 |
| dispatch | three assessors and a supervisor per session-room | T4 |
| tickets | who prints or downloads a ticket, when, what it says | T1 |
| checkin | the exam day's check-in, no-shows | T2 |
| scores | score sheets, verification, the final score | T4 |
| publication | the public list, objections, finalization | T5 |

The service calls them as ``from exam.domain import rosters`` and so on;
their unit tests are services/exam/tests/test_<area>_rules.py.
"""
