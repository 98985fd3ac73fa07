"""Uploaded files: photos and scans (registration), bank receipts (payment).

A file is stored by the hash of its content, and that hash is no secret (it
travels in applications, payments, events and exports), so knowing it grants
nothing: a candidate or an institution operator reads a file only as its
uploader or when they may read an application (or a payment's application)
that holds it; otherwise the answer is the same 404 as for a file that does
not exist. The center's staff read them as before (the route lists the roles).
A request may attach only a file its caller may read, or attaching a known
hash to one's own application would make it readable (domain.unreadable_files).
"""
import base64

from kernel.errors import NotFound

from gateway import domain
from gateway.handlers.common import as_file
from gateway.web import File

OWN_FILES = (domain.CANDIDATE, domain.INSTITUTION)   # the roles held to their own files


# --- materials (registration) ------------------------------------------------------------

def no_material():
    return NotFound("MATERIAL_NOT_FOUND", "no such file", field="hash")


def upload_material(ctx):
    return ctx.rpc("registration").upload_material(
        ctx.body, uploader=domain.uploader_key(ctx.principal))


def get_material(ctx):
    key = ctx.path["hash"]
    if ctx.principal.role in OWN_FILES:
        readers = ctx.rpc("registration").material_readers([key]).get(key)
        if not domain.may_read_file(ctx.principal, readers):
            raise no_material()
    found = ctx.rpc("registration").get_material(key)
    return File(base64.b64decode(found["content_base64"]), found["media_type"])


def material_refs(materials, prefix="materials"):
    """(field, hash) of every file a materials block names."""
    if not isinstance(materials, dict):
        return []           # the service refuses the shape
    return [(f"{prefix}.{field}", key) for field, key in sorted(materials.items())
            if field != "education_proof_kind" and isinstance(key, str) and key]


LOOKUP_CHUNK = 500          # hashes per material_readers call (the service's limit)


def material_readers(ctx, refs):
    keys = sorted({key for _, key in refs})
    if not keys or ctx.principal.role not in OWN_FILES:
        return {}
    out = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        out.update(ctx.rpc("registration").material_readers(keys[start:start + LOOKUP_CHUNK]))
    return out


def check_materials(ctx, refs, readers=None):
    """Refuse (MATERIAL_NOT_FOUND, as for a file never uploaded) the first file
    of ``refs`` the caller may not read."""
    if ctx.principal.role not in OWN_FILES or not refs:
        return
    readers = material_readers(ctx, refs) if readers is None else readers
    domain.check_attachable_materials(ctx.principal, refs, readers)


# --- receipts (payment) --------------------------------------------------------------------

def upload_receipt(ctx):
    return ctx.rpc("payment").upload_receipt(ctx.body,
                                             uploader=domain.uploader_key(ctx.principal))


def get_receipt(ctx):
    key = ctx.path["hash"]
    if ctx.principal.role in OWN_FILES:
        readers = ctx.rpc("payment").receipt_readers([key]).get(key)
        domain.check_receipt_readable(ctx.principal, readers)
    return as_file(ctx.rpc("payment").get_receipt(key))


def check_receipt(ctx):
    """A payment names a receipt its caller uploaded (or may read)."""
    key = ((ctx.body or {}).get("receipt") or {}).get("file")
    if ctx.principal.role not in OWN_FILES or not isinstance(key, str) or not key:
        return
    readers = ctx.rpc("payment").receipt_readers([key]).get(key)
    domain.check_receipt_readable(ctx.principal, readers, "receipt.file")


def pay_for_candidates(ctx):
    """P1: an institution's one transfer for many candidates, with its own receipt."""
    check_receipt(ctx)
    request = dict(ctx.body, institution_code=ctx.path["institution_code"], actor=ctx.actor)
    return ctx.rpc("payment").submit_institution_payment(request)
