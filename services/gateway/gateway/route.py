"""The gateway's route record (one HTTP operation) and the role groups routes use.

gateway.routes holds the table of the portal's first part; each console adds its
operations in a module of its own, gateway/routes_<area>.py, with a ``ROUTES``
tuple of these records (gateway.routes collects every such module).
"""
from dataclasses import dataclass, field
import re

from gateway.domain import (CANDIDATE, CENTER, CERTIFICATE_OFFICER, EXAM_ADMIN, FINANCE,
                            INSTITUTION, PROVINCIAL, PUBLIC, REVIEWER)

JSON = "application/json"
PER_USERNAME = "per_username"


@dataclass(frozen=True)
class Route:
    method: str
    path: str                       # OpenAPI style: /applications/{application_id}
    name: str                       # operationId, unique
    roles: tuple
    handler: object
    summary: str
    tag: str
    body: object = None             # marshmallow schema class of the JSON body
    check: object = None            # what the gateway validates, when not ``body``
    query: object = None            # schema class of the query string
    response: object = None         # schema class of a JSON answer (None: any JSON)
    many: bool = False              # the answer is a list of ``response``
    status: int = 200
    produces: str = JSON            # or a file's media type
    rate_limited: object = False    # True: per client address; PER_USERNAME: per address
                                    # and the user name in the body (gateway.ratelimit)
    per_target: str = None          # also one bucket per value of this path parameter or
                                    # body field, from every address (gateway.ratelimit)
    services: tuple = ()            # the services it calls (docs; 503/504 possible)
    description: str = ""
    path_params: tuple = field(default=(), init=False)

    def __post_init__(self):
        object.__setattr__(self, "path_params", tuple(re.findall(r"{(\w+)}", self.path)))

    @property
    def public(self):
        return PUBLIC in self.roles

    @property
    def rule(self):
        """The werkzeug rule: /applications/<application_id>."""
        return re.sub(r"{(\w+)}", r"<\1>", self.path)


APPLICATION_READERS = (CANDIDATE, INSTITUTION) + CENTER
REVIEWERS = (REVIEWER, PROVINCIAL)
FINANCE_STAFF = (FINANCE, PROVINCIAL)
EXAM_STAFF = (EXAM_ADMIN, PROVINCIAL)
CERTIFICATE_STAFF = (CERTIFICATE_OFFICER, PROVINCIAL)
FILE = "application/octet-stream"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
