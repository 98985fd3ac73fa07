"""docs/rules.md: the table of rule IDs is complete and every reference in it is real.

The table lists each rule ID with the notice's sentence, the code that
implements it and the tests that check it. These tests fail when
- a rule ID in the table has no test, or a named test is not a test function
  (or method) defined in the file named;
- a named code path (``file.py::function`` or ``file.py::Class.method``) does
  not exist;
- a rule ID that code in services/ or shared/ raises (a ``rule=`` of a
  DomainError, the rule argument in fourth place, a ``rule``/``RULE`` constant,
  a helper's ``rule`` parameter) is not in the table.

Only the repository is read (never ../shared): the table carries the notices'
sentences itself. ``python tests/test_rules_table.py`` prints every rule ID the
code raises and where, to help write a row.
"""
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "rules.md"
SCANNED = ("services", "shared")
RULE_ID = re.compile(r"^[A-Z]{1,2}[0-9]{1,2}$")
HEADER = ("ID", "rule", "notice", "sentence", "code", "tests")
# the IDs of the domain digest (../shared/DOMAIN.md); the table keeps a row for each
DOMAIN_IDS = ("R1 R2 R3 R4 V1 V2 P1 P2 P3 P4 T1 T2 T3 T4 T5 C1 C2 C3 C4 "
              "A1 A2 A3 A4 A5 A6 A7 B1 B2 E1 E2 E3 E4 E5 E6 E7 E8 E9 E10").split()
SEED = re.compile(r"^00[0-4] \S")   # "001 四(二)2", "004 八(二)"
# --- the table ---------------------------------------------------------------

def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def read_table(text=None):
    """{rule ID: {column: cell}} of the table whose header is HEADER."""
    lines = (TABLE.read_text(encoding="utf-8") if text is None else text).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and tuple(_cells(line)) == HEADER:
            break
    else:
        raise AssertionError(f"{TABLE.name}: no table with the header | {' | '.join(HEADER)} |")
    rows = {}
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        cells = _cells(line)
        assert len(cells) == len(HEADER), f"{TABLE.name}: {len(cells)} cells in {line!r}"
        row = dict(zip(HEADER, cells))
        rid = row["ID"]
        assert RULE_ID.match(rid) or re.match(r"^[A-Z]{1,3}[0-9]{1,2}$", rid), \
            f"{TABLE.name}: {rid!r} is not a rule ID"
        assert rid not in rows, f"{TABLE.name}: {rid} has two rows"
        rows[rid] = row
    return rows


def references(cell):
    """The `path::name` references of a cell (in backquotes)."""
    return [r for r in re.findall(r"`([^`]+)`", cell) if "::" in r]


# --- the source: definitions ------------------------------------------------

def _parse(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def definitions(tree):
    """Dotted names of the functions and classes a module defines ("f", "C", "C.m")."""
    names = set()

    def walk(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(prefix + node.name)
                if isinstance(node, ast.ClassDef):
                    walk(node.body, prefix + node.name + ".")
    walk(tree.body, "")
    return names


def resolve(ref):
    """(path, dotted name) of a `path::name` or `path::Class::name` reference."""
    path, _, name = ref.partition("::")
    return ROOT / path, name.replace("::", ".")


# --- the source: rule IDs raised --------------------------------------------

def source_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if ("tests" in parts or path.name.startswith("test_") or path.name == "conftest.py"
                    or any(p.startswith(".") or p.endswith(".egg-info") or p == "node_modules"
                           for p in parts)):
                continue
            yield path


def _constants(node):
    return [n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and RULE_ID.match(n.value)]


def _is_rule_name(name):
    return "rule" in name.lower()


def _rule_index(fn):
    """Position of the ``rule`` parameter among the positional arguments a caller
    passes (self/cls not counted), or None."""
    args = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    if args and args[0] in ("self", "cls"):
        args = args[1:]
    return args.index("rule") if "rule" in args else None


def rule_ids_raised(files=None):
    """{rule ID: [(path, line)]} of the rule IDs the code gives an error."""
    trees = {path: _parse(path) for path in (files or source_files())}

    # callables whose positional arguments include ``rule``: functions by name,
    # classes by their own or an inherited __init__ (DomainError: code, message, field, rule)
    positional, bases, classes = {}, {}, {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                                    for b in node.bases]
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        idx = _rule_index(item)
                        if idx is not None:
                            classes[node.name] = idx
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name != "__init__":
                idx = _rule_index(node)
                if idx is not None:
                    positional.setdefault(node.name, idx)

    def class_index(name, seen=()):
        if name in classes:
            return classes[name]
        for base in bases.get(name, ()):
            if base not in seen:
                idx = class_index(base, seen + (name,))
                if idx is not None:
                    return idx
        return None
    for name in bases:
        idx = class_index(name)
        if idx is not None:
            positional[name] = idx

    found = defaultdict(list)
    for path, tree in trees.items():
        # names bound to rule IDs in this module: rule = "V2" if ... else "R3", RULES = {...}
        bound = defaultdict(list)

        def note(node, value):
            for rid in _constants(value):
                found[rid].append((path, node.lineno))

        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        bound[target.id].append(node.value)
                        if _is_rule_name(target.id) and node.value is not None:
                            note(node, node.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for t, v in zip(target.elts, node.value.elts):
                            if isinstance(t, ast.Name):
                                bound[t.id].append(v)
                                if _is_rule_name(t.id):
                                    note(node, v)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.posonlyargs + node.args.args
                defaults = dict(zip([a.arg for a in args][len(args) - len(node.args.defaults):],
                                    node.args.defaults))
                defaults.update({a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults)
                                 if d is not None})
                if "rule" in defaults:
                    note(node, defaults["rule"])

        def note_value(node, value):
            note(node, value)
            for name in ast.walk(value):        # rule=RULE, rule=RULES[purpose]
                if isinstance(name, ast.Name):
                    for v in bound.get(name.id, ()):
                        if v is not None:
                            note(node, v)

        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg == "rule":
                    note_value(node, kw.value)
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            idx = positional.get(name)
            if idx is not None and len(node.args) > idx \
                    and not isinstance(node.args[idx], ast.Starred) \
                    and not any(isinstance(a, ast.Starred) for a in node.args[:idx]):
                note_value(node, node.args[idx])
    return dict(found)


# --- the tests ---------------------------------------------------------------

def test_the_table_has_a_row_for_every_rule_of_the_domain_digest():
    rows = read_table()
    missing = [rid for rid in DOMAIN_IDS if rid not in rows]
    assert not missing, f"docs/rules.md has no row for {missing}"


def test_every_rule_id_the_code_raises_is_in_the_table():
    rows = read_table()
    raised = rule_ids_raised()
    assert raised, "the scan found no rule ID at all: it is broken"
    missing = {rid: [f"{p.relative_to(ROOT)}:{n}" for p, n in where[:3]]
               for rid, where in sorted(raised.items()) if rid not in rows}
    assert not missing, f"rule IDs raised in services/ or shared/ but absent from docs/rules.md: {missing}"


def _row_ids():
    try:
        return list(read_table())
    except (OSError, AssertionError):
        return ["(no table)"]


@pytest.mark.parametrize("rid", _row_ids())
def test_every_rule_in_the_table_has_a_test_named_after_it(rid):
    row = read_table()[rid]
    tests = references(row["tests"])
    assert tests, f"docs/rules.md: no test for {rid}"
    unnamed = [r for r in tests if not re.search(rf"(^|_){rid}(_|$)", r.rpartition("::")[2])]
    assert not unnamed, f"docs/rules.md: tests of {rid} whose name does not carry {rid}: {unnamed}"


def test_every_named_test_is_defined_in_its_file():
    rows = read_table()
    wrong, parsed = [], {}
    for rid, row in rows.items():
        for ref in references(row["tests"]):
            path, name = resolve(ref)
            if not (path.is_file() and path.name.startswith("test_") and path.suffix == ".py"):
                wrong.append(f"{rid}: {ref}: no such test file")
                continue
            if path not in parsed:
                parsed[path] = definitions(_parse(path))
            if not name.rpartition(".")[2].startswith("test_") or name not in parsed[path]:
                wrong.append(f"{rid}: {ref}: no such test in the file")
    assert not wrong, "docs/rules.md names tests that do not exist:\n" + "\n".join(wrong)


def test_every_named_code_path_exists():
    rows = read_table()
    wrong, parsed = [], {}
    for rid, row in rows.items():
        refs = references(row["code"])
        if not refs:
            wrong.append(f"{rid}: no code named")
        for ref in refs:
            path, name = resolve(ref)
            if not (path.is_file() and path.suffix == ".py") or ROOT not in path.resolve().parents:
                wrong.append(f"{rid}: {ref}: no such module")
                continue
            if path not in parsed:
                parsed[path] = definitions(_parse(path))
            if name not in parsed[path]:
                wrong.append(f"{rid}: {ref}: no such function or class in the module")
    assert not wrong, "docs/rules.md names code that does not exist:\n" + "\n".join(wrong)


def test_every_row_quotes_a_notice():
    rows = read_table()
    wrong = [rid for rid, row in rows.items()
             if not (SEED.match(row["notice"]) and re.search(r"[\u4e00-\u9fff]", row["sentence"]))]
    assert not wrong, f"docs/rules.md: rows without a seed reference or a Chinese sentence: {wrong}"


# --- the scan itself ---------------------------------------------------------

def test_the_scan_finds_rule_ids_in_every_form_the_code_uses(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        'class DomainError(Exception):\n'
        '    def __init__(self, code, message, field=None, rule=None): pass\n'
        'class NotFound(DomainError): pass\n'
        'RULE = "Q1"\n'
        'RULES = {"photo": "Q2"}\n'
        'RECORD_FORMAT = "SC1"\n'
        'def helper(code, message, field, rule): raise NotFound(code, message, field, rule)\n'
        'def check(x, rule="Q3"):\n'
        '    rule2, allowed = "Q4", ("a",)\n'
        '    raise NotFound("X", "m", "f", "Q5")\n'
        'def other(x):\n'
        '    r = "Q6" if x else "Q7"\n'
        '    raise DomainError("X", "m", field="f", rule="Q8" if x else RULES[x])\n'
        'def more(x):\n'
        '    helper("X", "m", "f", "Q9")\n'
        '    raise DomainError("X", "m", rule=RULE)\n'
        'def fmt(x):\n'
        '    return x == "SC2"\n', encoding="utf-8")
    found = rule_ids_raised([src])
    assert sorted(found) == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q8", "Q9"]


def test_the_table_reader_refuses_a_row_with_a_missing_cell():
    text = ("| " + " | ".join(HEADER) + " |\n|" + "---|" * len(HEADER) + "\n"
            "| R1 | window | 001 四(二)1 | 「考生在报名期内」 | `a.py::f` |\n")
    try:
        read_table(text)
    except AssertionError as exc:
        assert "5 cells" in str(exc)
    else:
        raise AssertionError("a row of five cells was read")


if __name__ == "__main__":
    for rid, where in sorted(rule_ids_raised().items()):
        print(rid, " ".join(sorted({f"{p.relative_to(ROOT)}:{n}" for p, n in where})))
    sys.exit(0)
