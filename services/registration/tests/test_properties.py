"""Property-based tests: malformed payloads never crash registration and never
leave a partial record. Every answer is either a success (exactly one new
application) or a structured DomainError (nothing new)."""
import copy

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import create_engine, func, select, text

from kernel.errors import DomainError

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))


def _mutate(payload, data):
    out = copy.deepcopy(payload)
    paths = [p for p in _paths(out) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = out
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["drop", "replace", "extra"]), label="action")
    if action == "drop":
        del parent[path[-1]]
    elif action == "replace":
        parent[path[-1]] = data.draw(junk, label="value")
    else:
        parent[data.draw(st.text(min_size=1, max_size=10), label="extra key")] = \
            data.draw(junk, label="extra value")
    return out


def _counts(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        out = tuple(conn.execute(select(func.count()).select_from(text(t))).scalar_one()
                    for t in ("applications", "timeline"))
        # registrants_counted is the count_registrants timer's (B1), sent whenever
        # it runs: the submission's own events are the rest
        out += (conn.execute(text("SELECT count(*) FROM outbox WHERE event_type <> "
                                  "'registrants_counted'")).scalar_one(),)
    engine.dispose()
    return out


@pytest.fixture
def db_url(suite):
    return suite["registration"].config["DATABASE_URL"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_submissions_are_refused_whole(suite, rpc, application, db_url, data):
    payload = _mutate(application(), data)
    payload.pop("idempotency_key", None)
    before = _counts(db_url)
    try:
        rpc.registration.submit_application(payload)
    except DomainError as err:
        assert err.code and err.message
        assert _counts(db_url) == before
    else:
        after = _counts(db_url)
        # one event of its own: application_submitted (B1's count comes from the timer)
        assert after[0] == before[0] + 1 and after[2] == before[2] + 1


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(method=st.sampled_from(["submit_application", "resubmit_application",
                               "withdraw_application", "upload_material", "save_institution",
                               "get_application", "find_applications"]),
       args=st.lists(junk, max_size=3))
def test_any_junk_to_any_rpc_is_a_domain_error_never_a_crash(suite, rpc, db_url, method, args):
    before = _counts(db_url)
    try:
        getattr(rpc.registration, method)(*args)
    except DomainError as err:          # wrong arguments too: BAD_ARGUMENTS
        assert err.code and err.message
    assert _counts(db_url) == before
