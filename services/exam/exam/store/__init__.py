"""The exam service's persistence, one module per area (the areas of
exam.domain): queries, rows and the answers built from them. No rules here:
a decision is a pure function of exam.domain that the service calls. Every
function takes the worker's session ``db`` first (and the registration client
or the blob store where it needs them)."""
from exam.store import (arrangement, batches, checkin, dispatch, figures, notes,  # noqa: F401
                        profiles, publication, rooms, rosters, scores, summary, supervision,
                        tickets)
