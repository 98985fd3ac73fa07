"""schemathesis against the gateway's own /openapi.json, a bounded number of
cases per operation: valid requests (positive) and invalid ones (negative),
each sent with a token of a role the operation admits. No answer may be a
5xx, every status and content type must be documented, every documented JSON
answer must match its schema, and invalid input must be refused (4xx)."""
import time

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, negative_data_rejection,
                                 not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from gateway.routes import BY_NAME

CASES_PER_MODE = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
SETTINGS = settings(max_examples=CASES_PER_MODE, deadline=None, database=None,
                    derandomize=True, suppress_health_check=list(HealthCheck))


def run_operation(operation, mode, base_url, headers, session):
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @given(case=operation.as_strategy(generation_mode=mode))
    @SETTINGS
    def fuzz(case):
        response = case.call(base_url=base_url, headers=headers, session=session, timeout=30)
        case.validate_response(response, checks=checks)

    try:
        fuzz()
    except Unsatisfiable:
        # nothing to make invalid (no parameters, no body): only positive cases
        assert mode is GenerationMode.NEGATIVE


def test_schemathesis_finds_no_5xx_and_only_documented_answers(suite_gateway, accounts):
    started = time.monotonic()
    doc = suite_gateway.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(doc)
    tokens = {}
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        route = BY_NAME[operation.definition.raw["operationId"]]
        headers = {}
        if not route.public:
            role = route.roles[0]
            if role not in tokens:
                tokens[role] = accounts(role).token
            headers["Authorization"] = f"Bearer {tokens[role]}"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode, suite_gateway.base, headers, suite_gateway.session)
        ran += 1
    assert ran == len(BY_NAME)
    print(f"schemathesis: {ran} operations in {time.monotonic() - started:.1f} s")
