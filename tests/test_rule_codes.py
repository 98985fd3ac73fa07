"""Every error code raised with a rule ID has a test that names the rule and the
code (#14's bar: "every rule code raised anywhere has a unit test naming its rule
ID"). The production code of services/ and shared/kernel is read with ast: each
call whose first argument is an error code (UPPER_CASE) and which passes
``rule="X1"`` as a constant is a raise of that code under that rule. A test
names it when a ``test_*`` function's name holds the rule ID as a word
(``test_P4_…``, ``…_B1_P4_…``) and its body holds the code. Nothing here runs the
code under test: it reads the tree, so it fails the moment a new rule code
lands without its test."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"[A-Z][A-Z0-9_]{3,}")


def production_files():
    for path in sorted(ROOT.glob("services/*/*/**/*.py")) + sorted(ROOT.glob("shared/kernel/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _test_sources():
    for path in sorted(ROOT.glob("services/*/tests/**/*.py")) + sorted(ROOT.glob("shared/tests/**/*.py")) \
            + sorted(ROOT.glob("tests/**/*.py")):
        yield path


def raised_rule_codes():
    """{code: {(rule, file)}} of every raise with a constant rule."""
    out = {}
    for path in production_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and CODE.fullmatch(node.args[0].value)):
                continue
            for kw in node.keywords:
                if kw.arg == "rule" and isinstance(kw.value, ast.Constant) and kw.value.value:
                    out.setdefault(node.args[0].value, set()).add(
                        (kw.value.value, str(path.relative_to(ROOT))))
    return out


def _tests_by_name():
    out = []
    for path in _test_sources():
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                out.append((node.name, ast.get_source_segment(text, node) or ""))
    return out


def names_rule(test_name, rule):
    return re.search(r"(^|_)" + re.escape(rule) + r"(_|$)", test_name) is not None


def test_the_reader_finds_the_rule_codes_it_should():
    codes = raised_rule_codes()
    assert ("P4", "services/payment/payment/domain/payments.py") in codes["APPLICATION_ABANDONED"]
    assert len(codes) > 100, "the ast reader no longer sees the raises"
    assert names_rule("test_B1_P4_refunds", "P4") and not names_rule("test_P41_x", "P4")


def test_every_rule_code_raised_has_a_test_naming_its_rule_and_code():
    tests = _tests_by_name()
    missing = []
    for code, places in sorted(raised_rule_codes().items()):
        rules = {rule for rule, _ in places}
        if not any(code in body and any(names_rule(name, r) for r in rules)
                   for name, body in tests):
            missing.append(f"{code} (rule {', '.join(sorted(rules))}; raised in "
                           f"{', '.join(sorted({f for _, f in places}))})")
    assert not missing, "rule codes no test names with their rule:\n  " + "\n  ".join(missing)
