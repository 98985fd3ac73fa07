"""Rules of assessor training (考评员培训), one module per area. Pure: no broker,
no database, no clock (``today`` is passed in).

Rule IDs are DOMAIN.md's A1-A7 (the 2025 notice, seeds/004); ID numbers follow R2
(kernel.idnumber, in the service).
Project-local IDs: AT1, one application per person per training period (a
rejected application stays the person's application of that period); AT2, an
applicant's uploads have assessor training's own limits (not M1/M2).

| module | area | rules |
|---|---|---|
| reference | shipped data (projects, types, regions, periods), the center's Policy | |
| training_periods | a training period's dates, the application window | A1 |
| applications | the unit, the conditions (A3 1: the occupation matched), the projects, the summary, one each | A2-A4, AT1 |
| track_record | units' returns, findings and notices (通报); municipal centers' ineligible passes and places | A7 |
| review_chain | the chain of reviews and the application status machine | A1 (A5) |
| training | study hours, the exam's pass mark, its sittings of 90 minutes | A5, A1 |
| materials | an applicant's uploads | AT2 |
| cards | card numbers, validity, renewal, revocation | A6 |
| summary | the summary table (汇总表) | |
"""
