"""The certificates' verifiable credentials over HTTP (#19, docs/certificate.md):
the issuer's DID document (did:web), the signed Bitstring Status Lists, the
credentials and SkillCert's JSON-LD context. Public: a third party's verifier
fetches them. Documents that change (the status list, the DID document at a key
rotation) carry Cache-Control max-age and the status list an ETag (a
conditional GET answers 304)."""
from werkzeug.wrappers import Response

from gateway.handlers.common import as_file
from gateway.web import json_response

DID_MAX_AGE_S = 300          # the DID document changes only at a key rotation
CONTEXT_MAX_AGE_S = 86400    # a context never changes under its URL


def _cached(ctx, payload, max_age, etag=None, media_type=None):
    headers = {"Cache-Control": f"public, max-age={int(max_age)}",
               "Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}
    if etag:
        headers["ETag"] = f'"{etag}"'
        wanted = [t.strip() for t in ctx.request.headers.get("If-None-Match", "").split(",")]
        if headers["ETag"] in wanted or f'W/{headers["ETag"]}' in wanted:
            return Response(status=304, headers=headers)
    response = json_response(payload, headers=headers)
    if media_type:
        response.content_type = media_type + "; charset=utf-8"
    return response


def did_document(ctx):
    return _cached(ctx, ctx.rpc("certificate").did_document(), DID_MAX_AGE_S,
                   media_type="application/did+json")


def status_list(ctx):
    out = ctx.rpc("certificate").status_list_credential(ctx.path["list_id"])
    return _cached(ctx, out["document"], out["max_age_s"], etag=out["etag"])


def context(ctx):
    out = ctx.rpc("certificate").credential_context()
    return _cached(ctx, out["document"], CONTEXT_MAX_AGE_S, media_type="application/ld+json")


def my_credential(ctx):
    """The signed-in holder's credential, a .json file (C3)."""
    p = ctx.principal
    return as_file(ctx.rpc("certificate").download_credential(
        ctx.path["certificate_number"], p.id_number, p.name))
