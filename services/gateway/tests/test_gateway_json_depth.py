"""The depth check's string pattern (gateway.dispatch.STRINGS, an unrolled loop
for speed, docs/performance.md) removes exactly what the plain alternation did."""
import json
import re

from hypothesis import given, settings, strategies as st

from gateway import dispatch

PLAIN = re.compile(rb'"(?:[^"\\]|\\.)*"')


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='"\\[]{}a\n,:', max_size=60))
def test_the_string_pattern_removes_what_the_plain_one_did(text):
    raw = text.encode()
    assert dispatch.STRINGS.sub(b"", raw) == PLAIN.sub(b"", raw)


def test_brackets_inside_strings_do_not_count_and_escapes_are_kept():
    body = {"a": ['x\\"[[[[', {"b": "]]]}}}\"{{{"}], "c": "\\\\"}
    assert dispatch._nesting(json.dumps(body).encode()) == 3
    deep = b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}"
    assert dispatch._nesting(deep) > dispatch.MAX_JSON_DEPTH
