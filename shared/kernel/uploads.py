"""Uploaded files, checked by content and kept by hash: one way for every service.

A service that takes uploads declares ``class Material(MaterialRecord, Base)``
(the table ``materials``), has ``blobs = Blobs()`` and answers its upload RPC
with ``uploads.accept(self.db, self.blobs, Material, upload)``: the request
``{purpose: photo | scan, content_base64, filename?}`` is validated, the bytes
are checked by content (kernel.files: M1 for a photo, M2 for a scan), stored
once under their SHA-256 and recorded. Other requests then refer to the file
by that hash; ``uploads.require(self.db, Material, hash, purpose, field)``
refuses a reference to a file that was never uploaded.
"""
import base64
import binascii

from marshmallow import fields, validate
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from kernel import files
from kernel.db import Timestamp, utcnow
from kernel.errors import NotFound, ValidationFailed
from kernel.schemas import StrictSchema, load

PURPOSES = ("photo", "scan")
RULES = {"photo": "M1", "scan": "M2"}
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="a file reference is the hash returned by "
                                                  "the upload")


class MaterialRecord:
    __tablename__ = "materials"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10), primary_key=True)   # photo | scan
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at = mapped_column(Timestamp(), nullable=False)


class UploadRequest(StrictSchema):
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    content_base64 = fields.String(required=True)
    filename = fields.String(load_default=None)   # kept for the user's sake; never trusted


def decode_base64(text, field="content_base64", rule=None):
    """The bytes of a base64 upload, or VALIDATION_FAILED on ``field``."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("VALIDATION_FAILED", "the file is not valid base64",
                               field=field, rule=rule) from None


def accept(session, blobs, model, upload, check=None):
    """Check, store and record one upload; returns {hash, purpose, media_type, size}.
    ``check(content, purpose, field=...)`` returns the file's kind or raises; the
    default is kernel.files.check (M1/M2); a service whose notice sets other
    limits passes its own (assessor training: AT2)."""
    data = load(UploadRequest(), upload)
    content = decode_base64(data["content_base64"])
    kind = (check or files.check)(content, data["purpose"], field="content_base64")
    key = blobs.put(content)
    media_type = files.MEDIA_TYPES[kind]
    if session.get(model, (key, data["purpose"])) is None:
        session.add(model(hash=key, purpose=data["purpose"], media_type=media_type,
                          size=len(content), uploaded_at=utcnow()))
    return {"hash": key, "purpose": data["purpose"], "media_type": media_type,
            "size": len(content)}


def require(session, model, key, purpose, field):
    """NotFound (MATERIAL_NOT_FOUND, M1/M2) unless ``key`` was uploaded as ``purpose``."""
    require_all(session, model, [(field, key, purpose)])


def require_all(session, model, refs):
    """``require`` for many ``(field, key, purpose)`` references in one query;
    the first one missing is refused."""
    keys = {key for _, key, _ in refs}
    known = set(session.execute(select(model.hash, model.purpose).where(
        model.hash.in_(keys))).tuples()) if keys else set()
    for field, key, purpose in refs:
        if (key, purpose) not in known:
            raise NotFound("MATERIAL_NOT_FOUND", f"{field}: no uploaded {purpose} with this "
                           "reference; upload it first", field=field, rule=RULES[purpose])


def fetch(session, blobs, model, key):
    """{hash, media_type, content_base64} of an uploaded file, or NotFound."""
    found = session.scalars(select(model).where(model.hash == str(key))).first()
    if found is None:
        raise NotFound("MATERIAL_NOT_FOUND", "no such file", field="hash")
    return {"hash": found.hash, "media_type": found.media_type,
            "content_base64": base64.b64encode(blobs.get(found.hash)).decode()}


# --- who may read a file: the facts a service answers, the gateway's domain decides ---

MAX_HASHES = 500     # file references in one readers question


def record_uploader(session, model, key, uploader):
    """Record ``uploader`` (as the gateway names its callers: ``candidate:<user>``,
    ``institution:<code>``) of the file ``key`` in ``model`` (hash, uploader,
    uploaded_at), once, so that the uploader may read it before anything holds it."""
    uploader = str(uploader).strip()
    if not uploader or len(uploader) > 120:
        raise ValidationFailed("VALIDATION_FAILED", "uploader: 1 to 120 characters",
                               field="uploader")
    if session.get(model, (key, uploader)) is None:
        session.add(model(hash=key, uploader=uploader, uploaded_at=utcnow()))


def uploaders_of(session, file_model, uploader_model, hashes, what="file"):
    """The known files among ``hashes`` (a list of at most MAX_HASHES) as
    ``{hash: {"uploaders": [...], "applications": []}}``, the uploaders filled
    in; the caller adds the applications that hold each. Unknown hashes are
    left out."""
    if isinstance(hashes, str) or not isinstance(hashes, (list, tuple)) or \
            len(hashes) > MAX_HASHES:
        raise ValidationFailed("VALIDATION_FAILED", f"hashes: a list of at most {MAX_HASHES} "
                               f"{what} references", field="hashes")
    hashes = sorted({str(h) for h in hashes})
    known = set(session.scalars(select(file_model.hash).where(file_model.hash.in_(hashes))))
    out = {h: {"uploaders": [], "applications": []} for h in sorted(known)}
    if known:
        for h, uploader in session.execute(select(
                uploader_model.hash, uploader_model.uploader).where(
                uploader_model.hash.in_(known)).order_by(uploader_model.uploader)):
            out[h]["uploaders"].append(uploader)
    return out


def add_holders(out, rows):
    """Add to ``out`` (from uploaders_of) the applications holding each file:
    ``rows`` of (hash, id_number, name, channel, institution_code), each once."""
    seen = set()
    for row in map(tuple, rows):
        if row in seen:
            continue
        seen.add(row)
        h, number, name, channel, institution = row
        out[h]["applications"].append({"id_number": number, "name": name, "channel": channel,
                                       "institution_code": institution})
    return out
