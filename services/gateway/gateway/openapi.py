"""The OpenAPI 3 document, built from the route table and the marshmallow
schemas (apispec), and a plain HTML page that shows it (no script, nothing
fetched from elsewhere)."""
import html
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from marshmallow import Schema

from gateway import domain
from gateway.routes import ROUTES
from gateway.schemas import ErrorSchema
from gateway.portal import API_PREFIX
from gateway.web import JSON

TITLE = "SkillCert API"
VERSION = "1.0.0"

REASONS = {
    400: "Bad input (VALIDATION_FAILED and the other `invalid` codes)",
    401: "No token, or one that is not valid any more",
    403: "The role, institution or person may not do this",
    404: "Not found",
    409: "Conflicts with the current state (duplicates, idempotency key reused, ...)",
    413: "The body is too large",
    414: "The URL is over 64 KB (refused by the HTTP server before any route; no body)",
    422: "A business rule says no (the rule ID is in `rule`)",
    429: "Too many requests from this address (see Retry-After)",
    503: "A service behind this route is not running",
    504: "A service behind this route did not answer in time",
}
DESCRIPTION = """\
The one HTTP door into SkillCert. Every path below is under `/api` (the `servers` entry;
the web portal has the rest of the origin). Sign in with `POST /api/auth/token` and send the
token as `Authorization: Bearer <token>`. Each operation lists the roles that
may call it (`x-roles`; `public` means anyone, without a token). An
institution operator only ever sees their own institution's candidates.

Every error is JSON: `{code, message, field, rule, details}`; `code` is stable,
`rule` is the domain rule ID (R1, V2, P4, ...). Mutating requests take an
optional `idempotency_key` in the body (or the `Idempotency-Key` header): the
same key gives the same answer and changes nothing twice.
"""


def error_statuses(route):
    codes = {500}
    if route.body is not None or route.query is not None or route.path_params:
        codes.add(400)
    if route.query is not None or route.path_params:
        codes.add(414)
    if route.body is not None:
        codes.add(413)
    if not route.public:
        codes |= {401, 403}
    else:
        codes.add(401)            # a token that is sent must be valid
    if route.rate_limited:
        codes.add(429)
    if route.services or route.path_params or route.body is not None:
        codes |= {404, 409, 422}
    if route.services:
        codes |= {503, 504}
    codes.discard(500)
    return sorted(codes)


def _schema_ref(schema, many):
    return {"type": "array", "items": schema} if many else schema


def operation(route):
    ok = {"description": "OK" if route.status == 200 else "Created"}
    if route.produces == JSON or route.produces.endswith("+json"):   # did+json, ld+json
        schema = route.response if route.response is not None else \
            {"type": "object", "additionalProperties": True}
        if route.response is None and route.many:
            schema = {"type": "object", "additionalProperties": True}
        ok["content"] = {route.produces: {"schema": _schema_ref(schema, route.many)}}
    else:
        text = route.produces.startswith("text/")
        ok["content"] = {route.produces: {"schema": {"type": "string"} if text else
                                          {"type": "string", "format": "binary"}}}
    responses = {str(route.status): ok}
    for status in error_statuses(route):
        responses[str(status)] = {"description": REASONS[status]}
        if status != 414:
            responses[str(status)]["content"] = {JSON: {"schema": ErrorSchema}}
    roles = list(route.roles) if not route.public else [domain.PUBLIC]
    op = {"operationId": route.name, "summary": route.summary, "tags": [route.tag],
          "x-roles": roles, "responses": responses,
          "description": (route.description + "\n\n" if route.description else "")
          + "Roles: " + ", ".join(roles)
          + (". Rate-limited per client address." if route.rate_limited is True else "")
          + (f". Calls: {', '.join(route.services)}." if route.services else "")}
    params = [{"in": "path", "name": p, "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 100}}
              for p in route.path_params]
    if route.query is not None:
        params.append({"in": "query", "schema": route.query})
    if params:
        op["parameters"] = params
    if route.body is not None:
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": route.body}}}
        op["parameters"] = op.get("parameters", []) + [{
            "in": "header", "name": "Idempotency-Key", "required": False,
            "description": "the same as idempotency_key in the body",
            "schema": {"type": "string", "minLength": 8, "maxLength": 100}}] \
            if "idempotency_key" in route.body().fields else op.get("parameters", [])
        if not op["parameters"]:
            del op["parameters"]
    if not route.public:
        op["security"] = [{"bearer": []}]
    return op


def _resolver(schema):
    """registration's PersonSchema -> RegistrationPerson (the services reuse
    names); the gateway's own LoginSchema -> Login; a partial schema (a
    correction) -> ...Patch."""
    cls = resolve_schema_cls(schema)
    name = cls.__name__
    name = name[:-6] if name.endswith("Schema") and len(name) > 6 else name
    owner = cls.__module__.split(".")[0]
    if owner not in ("gateway", "kernel"):
        prefix = "".join(part.title() for part in owner.split("_"))
        name = name if name.startswith(prefix) else prefix + name
    if isinstance(schema, Schema):
        if schema.partial:
            name += "Patch"
        excluded = set(schema.exclude) - set(schema.opts.exclude)   # beyond its Meta
        if excluded:
            name += "Without" + "".join(f.title().replace("_", "") for f in sorted(excluded))
        if schema.only:
            name += "Only" + "".join(f.title().replace("_", "") for f in sorted(schema.only))
    return name


@lru_cache(maxsize=1)
def document():
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.0.3",
                   info={"description": DESCRIPTION},
                   plugins=[MarshmallowPlugin(schema_name_resolver=_resolver)])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    paths = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = operation(route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    doc = spec.to_dict()
    doc["servers"] = [{"url": API_PREFIX, "description": "this gateway (the portal is at /)"}]
    doc["tags"] = [{"name": t} for t in dict.fromkeys(r.tag for r in ROUTES)]
    return doc


def page():
    """/docs: the document as HTML, server-rendered."""
    doc = document()
    e = html.escape
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{TITLE}"
           "</title><style>body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:2em "
           "auto;padding:0 1em;color:#222}code,pre{font:13px ui-monospace,monospace}"
           "h2{border-bottom:1px solid #ccc;margin-top:2em}.op{margin:1em 0;padding:.5em 1em;"
           "border-left:4px solid #48c;background:#f6f8fa}.m{font-weight:bold;display:inline-"
           "block;min-width:4em}.roles{color:#555}table{border-collapse:collapse}td,th{border:"
           "1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}</style></head>"
           f"<body><h1>{TITLE} {VERSION}</h1><p>{e(DESCRIPTION)}</p>"
           "<p>Machine-readable: <a href='/api/openapi.json'>/api/openapi.json</a></p>"]
    by_tag = {}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            by_tag.setdefault(op["tags"][0], []).append((path, method, op))
    for tag, ops in by_tag.items():
        out.append(f"<h2>{e(tag)}</h2>")
        for path, method, op in ops:
            out.append(f"<div class='op' id='{e(op['operationId'])}'><span class='m'>"
                       f"{method.upper()}</span> <code>{e(path)}</code> — {e(op['summary'])}"
                       f"<div class='roles'>{e(op['description'])}</div>")
            params = op.get("parameters", [])
            if params:
                out.append("<table><tr><th>parameter</th><th>in</th><th>required</th>"
                           "<th>schema</th></tr>")
                for p in params:
                    out.append(f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['in'])}</td>"
                               f"<td>{'yes' if p.get('required') else ''}</td>"
                               f"<td><code>{e(_short(p.get('schema', {})))}</code></td></tr>")
                out.append("</table>")
            body = op.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema")
            if body:
                out.append(f"<div>body: <code>{e(_short(body))}</code></div>")
            out.append("<div>answers: " + ", ".join(
                f"{code}{' ' + _short(r['content'][next(iter(r['content']))]['schema']) if code.startswith('2') and 'content' in r else ''}"
                for code, r in op["responses"].items()) + "</div></div>")
    out.append("<h2>schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        out.append(f"<h3 id='schema-{e(name)}'>{e(name)}</h3><table><tr><th>field</th>"
                   "<th>type</th><th>required</th></tr>")
        required = set(schema.get("required", []))
        for field, spec in schema.get("properties", {}).items():
            out.append(f"<tr><td><code>{e(field)}</code></td><td><code>{e(_short(spec))}"
                       f"</code></td><td>{'yes' if field in required else ''}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out)


def _short(schema):
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "any")
    if kind == "array":
        return f"[{_short(schema.get('items', {}))}]"
    extra = []
    if "enum" in schema:
        extra.append("|".join(str(v) for v in schema["enum"] if v is not None))
    if "format" in schema:
        extra.append(schema["format"])
    return kind + (f" ({', '.join(extra)})" if extra else "")
