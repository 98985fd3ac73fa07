"""Every error code the API can answer has a Chinese message in the portal.

The portal shows a person ``web/src/i18n/errors.zh-CN.json[code]`` (filled
with the error's details by web/src/i18n/errors.ts), never the API's English
text. This test reads the whole code base with ``ast`` (nothing is imported,
no broker, no database) and collects every code that can reach a client:

- every call of a DomainError subclass (the subclasses are found by walking
  the class definitions of the whole tree, so a service's own subclass counts)
  with a string first argument or ``code=`` keyword, also ``cls(...)`` inside
  a subclass's classmethod and ``super().__init__("CODE", ...)``;
- a subclass's default code (``def __init__(self, code="RPC_TIMEOUT", ...)``);
- codes passed through variables: a function whose parameter reaches the code
  position of such a call (``found(row, "UNIT_UNKNOWN", ...)``, also when the
  error class itself is a parameter: ``_refuse_if_revoked(cert, Conflict,
  "CERTIFICATE_ALREADY_REVOKED")``) is followed to its callers, transitively;
  a local variable is resolved to the string constants assigned to it;
- error bodies written by hand: dict literals with "code" and "message" keys
  (the gateway's INTERNAL_ERROR and TOO_MANY_CONNECTIONS answers);
- the codes the portal's own client makes up (web/src/api/client.ts:
  NETWORK_ERROR).

It fails naming every code without a message, every message whose code no
longer exists (stale), every placeholder ``{key}`` in a message whose raise
sites do not all send ``details={"key": ...}``, and every raise site whose
code it cannot resolve (a re-raise of a caught error's ``exc.code`` is fine:
that code was collected where it was raised first).
"""
import ast
import json
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MESSAGES = ROOT / "web" / "src" / "i18n" / "errors.zh-CN.json"
CLIENT = ROOT / "web" / "src" / "api" / "client.ts"
SCANNED = ("services", "shared", "deploy")
SKIPPED_PARTS = {"tests", "migrations", "__pycache__", "node_modules", ".venv"}
CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def source_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if SKIPPED_PARTS & set(rel.parts) or path.name.startswith("test_") \
                    or path.name in ("conftest.py", "testing.py"):
                continue
            yield rel, ast.parse(path.read_text(encoding="utf-8"), str(rel))


def _name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _parents(tree):
    parent = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent[child] = node
    return parent


def _enclosing(node, parent, kinds):
    while node in parent:
        node = parent[node]
        if isinstance(node, kinds):
            return node
    return None


def _params(func):
    a = func.args
    return [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]


def _is_method(func, parent):
    return isinstance(parent.get(func), ast.ClassDef) and func.args.args \
        and func.args.args[0].arg in ("self", "cls")


def _arg(call, index, keyword):
    """The argument at positional ``index`` or named ``keyword`` of ``call``."""
    if index is not None and index < len(call.args) \
            and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
        return call.args[index]
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    return None


def _details_keys(call):
    """The keys of ``details={...}`` (a dict literal), () when there are none,
    None when details is not a literal (unknown keys)."""
    node = _arg(call, 4, "details")
    if node is None:
        return ()
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return tuple(k.value for k in node.keys)
    return None


def _constants(expr):
    return [n.value for n in ast.walk(expr)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.match(n.value)]


def collect():
    """{code: [(site, details keys or None), ...]} and the unresolved sites."""
    trees = list(source_files())

    # 1. DomainError and its subclasses, across the tree
    bases = defaultdict(set)
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name].update(filter(None, map(_name, node.bases)))
    errors, grown = {"DomainError"}, True
    while grown:
        grown = False
        for cls, bs in bases.items():
            if cls not in errors and bs & errors:
                errors.add(cls)
                grown = True

    codes = defaultdict(list)
    unresolved = []
    # forwarders: function name -> [(code index, code keyword, factory index or None,
    #                                 factory keyword, details keys, is method)]
    forwarders = defaultdict(list)
    functions = {}          # every function def: (file, node, parent map)

    def found_code(code, site, keys):
        codes[code].append((site, keys))

    def resolve(expr, func, site, keys, factory=None):
        """Collect the code ``expr`` stands for at ``site`` inside ``func``."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            found_code(expr.value, site, keys)
            return
        if isinstance(expr, ast.Attribute) and expr.attr == "code":
            return                                        # a re-raise: seen where first raised
        if isinstance(expr, ast.Name) and func is not None:
            params = _params(func[1])
            if expr.id in params:
                parent = func[2]
                shift = 1 if _is_method(func[1], parent) else 0
                positional = [p.arg for p in func[1].args.posonlyargs + func[1].args.args]
                idx = positional.index(expr.id) - shift if expr.id in positional else None
                fidx = fkw = None
                if factory is not None:
                    fidx = positional.index(factory) - shift if factory in positional else None
                    fkw = factory
                forwarders[func[1].name].append((idx, expr.id, fidx, fkw, keys, site))
                return
            values = [c for node in ast.walk(func[1])
                      if isinstance(node, (ast.Assign, ast.AnnAssign))
                      and any(isinstance(t, ast.Name) and t.id == expr.id
                              for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
                      and node.value is not None
                      for c in _constants(node.value)]
            if values:
                for v in values:
                    found_code(v, site, keys)
                return
        unresolved.append(f"{site}: {ast.unparse(expr)}")

    # 2. the raise sites
    for rel, tree in trees:
        parent = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.setdefault(node.name, []).append((rel, node, parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                if "code" in keys and "message" in keys:
                    value = node.values[keys.index("code")]
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found_code(value.value, f"{rel}:{node.lineno}", ())
                continue
            if isinstance(node, ast.ClassDef) and node.name in errors:
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        a = item.args
                        positional = a.posonlyargs + a.args
                        defaults = dict(zip([p.arg for p in positional][len(positional) - len(a.defaults):],
                                            a.defaults))
                        default = defaults.get("code")
                        if isinstance(default, ast.Constant) and isinstance(default.value, str):
                            found_code(default.value, f"{rel}:{item.lineno}", None)
                continue
            if not isinstance(node, ast.Call):
                continue
            fname = _name(node.func)
            func_node = _enclosing(node, parent, (ast.FunctionDef, ast.AsyncFunctionDef))
            func = (rel, func_node, parent) if func_node is not None else None
            site = f"{rel}:{node.lineno}"
            is_error = fname in errors
            if fname == "cls" and func_node is not None:
                owner = parent.get(func_node)
                is_error = isinstance(owner, ast.ClassDef) and owner.name in errors
            if fname == "__init__" and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Call) and _name(node.func.value.func) == "super":
                owner = _enclosing(node, parent, (ast.ClassDef,))
                if owner is not None and owner.name in errors:
                    expr = _arg(node, 0, "code")
                    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                        found_code(expr.value, site, _details_keys(node))
                continue
            if is_error:
                expr = _arg(node, 0, "code")
                if expr is None:
                    continue                                  # the class's default code
                resolve(expr, func, site, _details_keys(node))
            elif isinstance(node.func, ast.Name) and func is not None \
                    and node.func.id in _params(func_node):
                # error(code, ...) with the error class a parameter: a factory forwarder
                expr = _arg(node, 0, None)
                if isinstance(expr, ast.Name) and expr.id in _params(func_node):
                    resolve(expr, func, site, _details_keys(node), factory=node.func.id)

    # 3. follow the forwarders to their callers (transitively)
    seen = set()
    pending = list(forwarders)
    while pending:
        name = pending.pop()
        for idx, kw, fidx, fkw, keys, inner in list(forwarders[name]):
            if (name, idx, kw, inner) in seen:
                continue
            seen.add((name, idx, kw, inner))
            for rel, tree in trees:
                parent = _parents(tree)
                for node in ast.walk(tree):
                    if not (isinstance(node, ast.Call) and _name(node.func) == name):
                        continue
                    if fidx is not None or fkw is not None:
                        factory = _arg(node, fidx, fkw)
                        if _name(factory) not in errors:
                            continue
                    expr = _arg(node, idx, kw)
                    if expr is None:
                        continue
                    func_node = _enclosing(node, parent, (ast.FunctionDef, ast.AsyncFunctionDef))
                    func = (rel, func_node, parent) if func_node is not None else None
                    before = len(forwarders)
                    resolve(expr, func, f"{rel}:{node.lineno} (via {name}, {inner})", keys)
                    if func_node is not None and func_node.name in forwarders \
                            and func_node.name not in pending and len(forwarders) >= before:
                        pending.append(func_node.name)

    # 4. the portal's own codes (the client makes them up for a network failure)
    for code in re.findall(r"code:\s*'([A-Z][A-Z0-9_]*)'", CLIENT.read_text(encoding="utf-8")):
        found_code(code, str(CLIENT.relative_to(ROOT)), ())
    return codes, unresolved, errors


def messages():
    return json.loads(MESSAGES.read_text(encoding="utf-8"))


def test_the_collector_finds_the_known_kinds_of_raise_sites():
    """Guard against a collector that silently finds nothing: one code of each kind."""
    codes, _, errors = collect()
    assert {"DomainError", "RuleViolation", "ValidationFailed", "Unauthenticated",
            "KeyUnavailable", "CalendarUnavailable"} <= errors
    for code in ("REGISTRATION_WINDOW_CLOSED",      # RuleViolation("...") in a service
                 "NOT_AUTHENTICATED",               # the gateway's own subclass
                 "VALIDATION_FAILED",               # cls(...) in from_marshmallow, and direct
                 "RPC_TIMEOUT",                     # a subclass's default code
                 "DATABASE_UNAVAILABLE",            # kernel
                 "UNIT_UNKNOWN",                    # through found(row, code, ...)
                 "CERTIFICATE_REVOKED",             # the error class passed in as well
                 "INTERNAL_ERROR",                  # a hand-written error body
                 "NETWORK_ERROR"):                  # the portal's client
        assert code in codes, code


def test_every_code_has_no_unresolved_raise_site():
    _, unresolved, _ = collect()
    assert not unresolved, ("raise sites whose code this test cannot see (teach collect() "
                            "the pattern, or pass a string constant):\n  " + "\n  ".join(unresolved))


def test_every_error_code_has_a_chinese_message():
    codes, _, _ = collect()
    have = messages()
    missing = sorted(set(codes) - set(have))
    assert not missing, (
        f"{len(missing)} error codes have no message in web/src/i18n/errors.zh-CN.json:\n  "
        + "\n  ".join(f"{c}  ({codes[c][0][0]})" for c in missing))


def test_no_stale_message():
    codes, _, _ = collect()
    stale = sorted(set(messages()) - set(codes))
    assert not stale, ("web/src/i18n/errors.zh-CN.json has messages for codes nothing raises "
                       "any more (remove them): " + ", ".join(stale))


def test_messages_are_chinese_and_use_only_details_the_raise_sites_send():
    codes, _, _ = collect()
    problems = []
    for code, text in messages().items():
        if not isinstance(text, str) or not re.search(r"[\u4e00-\u9fff]", text):
            problems.append(f"{code}: not a Chinese message: {text!r}")
            continue
        for key in PLACEHOLDER.findall(text):
            lacking = [site for site, keys in codes.get(code, []) if keys is None or key not in keys]
            if lacking:
                problems.append(f"{code}: {{{key}}} is not in the details sent at " + ", ".join(lacking))
    assert not problems, "\n  ".join(["messages to fix:"] + problems)
