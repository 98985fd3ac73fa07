"""Ed25519 signatures (the cryptography package). Pure: no files, no database.

A key is named by its key id (``kid``): the first 10 hex digits of the SHA-256
of its raw 32-byte public key, so the id follows from the key and cannot be
attached to another one. Public keys travel as base64url of the raw 32 bytes
(and as PEM for tools that want it); signatures as base64url of 64 bytes.
"""
import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                               Ed25519PublicKey)

ALGORITHM = "Ed25519"


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text):
    """Bytes of a canonical base64url text (no padding); ValueError otherwise.

    Canonical only: the last character of a base64 text has bits that decoding
    ignores, so several texts give the same bytes. Accepting them would let an
    altered payload still verify; each byte string has exactly one accepted text.
    """
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if b64u(data) != text:
        raise ValueError("not canonical base64url")
    return data


def generate():
    return Ed25519PrivateKey.generate()


def raw_public(key):
    """The raw 32 bytes of a public key (or of a private key's public half)."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key):
    return hashlib.sha256(raw_public(key)).hexdigest()[:10]


def private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_pem(data):
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_pem(key):
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def public_key(b64):
    """An Ed25519PublicKey from its base64url raw form; ValueError if it is none."""
    raw = unb64u(b64)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(private_key, message):
    """The base64url signature of ``message`` (bytes)."""
    return b64u(private_key.sign(message))


def verifies(public_key_obj, message, signature_b64):
    """True when ``signature_b64`` is ``public_key_obj``'s signature of ``message``."""
    try:
        signature = unb64u(signature_b64)
    except ValueError:
        return False
    if len(signature) != 64:
        return False
    try:
        public_key_obj.verify(signature, message)
        return True
    except InvalidSignature:
        return False
