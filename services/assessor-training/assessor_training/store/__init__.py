"""The assessor-training service's persistence, one module per area (the areas
of assessor_training.domain): queries, rows and the answers built from them.
No rules here: a decision is a pure function of assessor_training.domain that
the service calls. Every function takes the worker's session ``db`` first."""
from assessor_training.store import (applications, cards, periods, sittings, track,  # noqa: F401
                                     units)
from assessor_training.store.common import flush, found  # noqa: F401
