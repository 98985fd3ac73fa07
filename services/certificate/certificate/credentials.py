"""Verifiable credentials (#19): W3C VC Data Model 2.0, Data Integrity proofs
with the cryptosuite ``eddsa-rdfc-2022`` on the service's Ed25519 keys, and a
Bitstring Status List for revocation. Pure: no database, no broker, no clock
(times are passed in), no network.

- The issuer is the center as a ``did:web`` (setting CERTIFICATE_DID); its DID
  document lists every signing key ever used as a Multikey
  (``publicKeyMultibase`` z6Mk…), the key id ``<did>#<kid>``: a rotated-out key
  stays there, so what it signed keeps verifying.
- A proof is made as the cryptosuite says: the credential and the proof's
  options are each canonicalised (RDFC-1.0, which pyld implements as
  URDNA2015: the same algorithm), hashed with SHA-256, the two hashes joined
  (options first) and signed with Ed25519; ``proofValue`` is base58btc
  multibase (``z``).
- Every JSON-LD context is bundled in ``certificate/contexts/``;
  ``document_loader`` serves those and refuses any other URL, so neither
  signing nor verifying ever goes to the network.
- The status list is 131,072 bits (the spec's minimum; setting
  CERTIFICATE_STATUS_LIST_BITS may make it larger), bit 0 the most significant
  bit of the first byte, GZIP-compressed and multibase base64url (``u``).
"""
import base64
import copy
import gzip
import hashlib
import json
from datetime import timezone
from importlib import resources

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

from kernel import privacy

VC_V2 = "https://www.w3.org/ns/credentials/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
DID_V1 = "https://www.w3.org/ns/did/v1"
CONTEXT_URL = "https://skillcert.example/api/credentials/contexts/certificate/v1"
CONTEXT_FILES = {VC_V2: "credentials-v2.jsonld", MULTIKEY_V1: "multikey-v1.jsonld",
                 DATA_INTEGRITY_V2: "data-integrity-v2.jsonld", DID_V1: "did-v1.jsonld",
                 CONTEXT_URL: "skillcert-certificate-v1.jsonld"}
CRYPTOSUITE = "eddsa-rdfc-2022"
MIN_LIST_BITS = 131072            # Bitstring Status List: "a minimum of 131,072" entries
STATUS_PURPOSE = "revocation"
ED25519_PUB_HEADER = b"\xed\x01"  # multicodec ed25519-pub, varint
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class UnknownDocument(Exception):
    """The loader was asked for a URL it does not bundle."""


_CONTEXTS = {}


def context(url):
    """A bundled context document (parsed), or UnknownDocument."""
    if url not in CONTEXT_FILES:
        raise UnknownDocument(url)
    if url not in _CONTEXTS:
        text = resources.files("certificate").joinpath("contexts", CONTEXT_FILES[url]) \
            .read_text("utf-8")
        _CONTEXTS[url] = json.loads(text)
    return copy.deepcopy(_CONTEXTS[url])


def document_loader(url, options=None):
    """pyld's document loader: the bundled contexts only, never the network."""
    try:
        document = context(url)
    except UnknownDocument:
        raise jsonld.JsonLdError(f"{url} is not a bundled context: the loader does not "
                                 "go to the network", "jsonld.LoadDocumentError",
                                 code="loading document failed") from None
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": document}


# --- encodings ------------------------------------------------------------------------------

def b58encode(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text):
    n = 0
    for ch in text:
        i = B58.find(ch)
        if i < 0:
            raise ValueError("not base58btc")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey(raw_public):
    """The Multikey ``publicKeyMultibase`` of a raw 32-byte Ed25519 public key."""
    return "z" + b58encode(ED25519_PUB_HEADER + raw_public)


def raw_of_multikey(text):
    """The raw 32 bytes of an Ed25519 Multikey (ValueError if it is not one)."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    data = b58decode(text[1:])
    if data[:2] != ED25519_PUB_HEADER or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return data[2:]


def timestamp(moment):
    """An XML Schema dateTimeStamp in UTC, to the second (``2026-12-02T04:05:06Z``);
    a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the issuer ------------------------------------------------------------------------------

def did_web(domain, path=()):
    """``did:web`` of a host (a port's colon percent-encoded) and an optional path."""
    return ":".join(["did:web", domain.replace(":", "%3A")] + list(path))


def did_web_url(did):
    """Where a did:web's document is published (the did:web method's rule)."""
    if not did.startswith("did:web:"):
        raise ValueError("not a did:web")
    parts = did[len("did:web:"):].split(":")
    host = parts[0].replace("%3A", ":")
    path = "/".join(parts[1:]) if len(parts) > 1 else ".well-known"
    return f"https://{host}/{path}/did.json"


def method_id(did, kid):
    return f"{did}#{kid}"


def did_document(did, keys):
    """The issuer's DID document: every key (``[{kid, public_key (base64url raw),
    active, created_at, retired_at}]``, oldest first) as a Multikey, each an
    assertionMethod (what signed a credential keeps verifying after a rotation)."""
    methods = [{"id": method_id(did, k["kid"]), "type": "Multikey", "controller": did,
                "publicKeyMultibase": multikey(_unb64u(k["public_key"]))} for k in keys]
    doc = {"@context": [DID_V1, MULTIKEY_V1], "id": did, "verificationMethod": methods,
           "assertionMethod": [m["id"] for m in methods]}
    return doc


def key_document(did_doc, verification_method):
    """The Multikey of ``verification_method`` in a DID document, with the
    multikey context (what a verifier's loader answers for the key id), or None."""
    for method in did_doc.get("verificationMethod", []):
        if method.get("id") == verification_method:
            return {"@context": MULTIKEY_V1, **method}
    return None


def _unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- credentials -------------------------------------------------------------------------------

def _credential(kind, title, credential_id, issuer, valid_from, subject, status,
                valid_until=None):
    out = {"@context": [VC_V2, CONTEXT_URL], "id": credential_id,
           "type": ["VerifiableCredential", kind], "issuer": issuer, "name": title,
           "validFrom": timestamp(valid_from)}
    if valid_until is not None:
        out["validUntil"] = timestamp(valid_until)
    out["credentialSubject"] = subject
    out["credentialStatus"] = status
    return out


def certificate_credential(cert, issuer, credential_id, status):
    """The unsigned credential of a certificate (``cert``: its columns).

    The holder is named and identified by the masked ID number only (the full
    number is never in a credential); ``issuer``: {"id": did, "name": ...};
    ``status``: the status entry (status_entry)."""
    return _credential("SkillCertificateCredential", "专项职业能力证书", credential_id, issuer,
                       cert["issued_at"], {
                           "type": "SkillCertificateHolder",
                           "name": cert["name"],
                           "maskedIdNumber": privacy.mask_id(cert["id_number"]),
                           "certificateNumber": cert["number"],
                           "projectCode": cert["project_code"],
                           "projectName": cert["project_name"],
                           "examDate": cert["exam_date"].isoformat(),
                           "issuedOn": cert["issued_on"].isoformat()}, status)


def card_credential(card, issuer, credential_id, status, valid_from, valid_until):
    """The unsigned credential of an assessor card (``card``: the card event's
    payload; ``valid_from``/``valid_until``: aware datetimes of the card's first
    and last moment). The ID number is masked, as in a certificate's."""
    return _credential("AssessorCardCredential", "考评员证", credential_id, issuer, valid_from, {
        "type": "AssessorCardHolder",
        "name": card["name"],
        "maskedIdNumber": privacy.mask_id(card["id_number"]),
        "cardNumber": card["card_number"],
        "recommendingUnit": card["unit"],
        "projectCodes": sorted(card["projects"]),
    }, status, valid_until)


def status_entry(list_url, index):
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE, "statusListIndex": str(index),
            "statusListCredential": list_url}


def status_list_credential(list_url, issuer, valid_from, encoded):
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": STATUS_PURPOSE, "encodedList": encoded},
    }


# --- the bitstring ------------------------------------------------------------------------------

def encode_list(revoked_indexes, bits=MIN_LIST_BITS):
    """The ``encodedList`` with the bits at ``revoked_indexes`` set (bit 0 is
    the leftmost bit of the first byte). Deterministic (GZIP mtime 0)."""
    if bits < MIN_LIST_BITS or bits % 8:
        raise ValueError(f"a status list has at least {MIN_LIST_BITS} bits, a multiple of 8")
    data = bytearray(bits // 8)
    for index in revoked_indexes:
        if not 0 <= index < bits:
            raise ValueError(f"index {index} is outside the list")
        data[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(data), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_list(encoded):
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList is multibase base64url ('u')")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit(encoded, index):
    data = decode_list(encoded)
    if not 0 <= index < len(data) * 8:
        raise ValueError("index outside the list")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


# --- proofs ---------------------------------------------------------------------------------------

def canonize(document):
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (bundled contexts only)."""
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": document_loader, "safe": True})


def _hash_data(unsigned, options):
    return (hashlib.sha256(canonize(options).encode("utf-8")).digest()
            + hashlib.sha256(canonize(unsigned).encode("utf-8")).digest())


def proof_options(document, verification_method, created):
    return {"@context": document["@context"], "type": "DataIntegrityProof",
            "cryptosuite": CRYPTOSUITE, "created": timestamp(created),
            "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}


def sign(document, private_key, verification_method, created):
    """``document`` with its Data Integrity proof (eddsa-rdfc-2022)."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = proof_options(unsigned, verification_method, created)
    signature = private_key.sign(_hash_data(unsigned, options))
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + b58encode(signature)
    return {**unsigned, "proof": proof}


def check_proof(document, did_doc):
    """None when ``document``'s proof verifies with a key of ``did_doc`` (the
    issuer's DID document); else why not (a short reason)."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if not isinstance(proof, dict):
        return "no_proof"
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return "unsupported_proof"
    if proof.get("proofPurpose") != "assertionMethod":
        return "wrong_proof_purpose"
    method = proof.get("verificationMethod")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(method, str) or method.split("#", 1)[0] != did_doc.get("id") \
            or issuer_id != did_doc.get("id"):
        return "foreign_issuer"
    if method not in did_doc.get("assertionMethod", []):
        return "unknown_key"
    key = key_document(did_doc, method)
    try:
        public = Ed25519PublicKey.from_public_bytes(raw_of_multikey(key["publicKeyMultibase"]))
        value = proof.get("proofValue")
        if not isinstance(value, str) or not value.startswith("z"):
            return "bad_signature"
        signature = b58decode(value[1:])
    except (ValueError, TypeError, KeyError):
        return "bad_signature"
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = unsigned.get("@context")
    try:
        data = _hash_data(unsigned, options)
    except jsonld.JsonLdError:
        return "not_canonicalisable"
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return "bad_signature"
    return None


def verify(credential, did_doc, status_list):
    """The suite's own verifier: the credential's proof, the status list's
    proof (same issuer), its bit. ``{"verified", "revoked", "reason"}``."""
    reason = check_proof(credential, did_doc)
    if reason:
        return {"verified": False, "revoked": None, "reason": reason}
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return {"verified": False, "revoked": None, "reason": "no_status"}
    if status_list is None or status_list.get("id") != entry.get("statusListCredential"):
        return {"verified": False, "revoked": None, "reason": "status_list_missing"}
    reason = check_proof(status_list, did_doc)
    if reason:
        return {"verified": False, "revoked": None, "reason": "status_list_" + reason}
    subject = status_list.get("credentialSubject") or {}
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        return {"verified": False, "revoked": None, "reason": "status_purpose_mismatch"}
    try:
        revoked = bit(subject["encodedList"], int(entry["statusListIndex"]))
    except (KeyError, ValueError, OSError, EOFError):
        return {"verified": False, "revoked": None, "reason": "status_list_malformed"}
    if revoked:
        return {"verified": False, "revoked": True, "reason": "revoked"}
    return {"verified": True, "revoked": False, "reason": None}
