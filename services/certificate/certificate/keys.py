"""Signing keys: private keys in a directory, public keys in the database.

- Private keys are PEM files ``<kid>.pem`` (PKCS#8, mode 0600, in a 0700
  directory) in CERTIFICATE_KEYS_DIR (config or environment), default
  ``<data dir>/certificate/keys``. They are never in the database, the repo,
  an RPC answer or a log line (logs name the kid only). Replicas of the
  service share the directory (one volume, or the same files provisioned).
- Public keys are rows of ``signing_keys``; ``active_key`` names the one key
  that signs now. A rotation adds a key and makes it active; the old public
  keys stay, so certificates they signed keep verifying.
- On first start, when the database has no active key, the service registers
  the keys it finds in the directory (the newest becomes active) or, when
  there are none, generates one.
"""
import logging
import os
import re
from pathlib import Path

from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel import settings
from kernel.db import Database, utcnow
from kernel.errors import DomainError

from certificate import signing
from certificate.models import ActiveKey, SigningKey

KID = re.compile(r"[0-9a-f]{10}")

log = logging.getLogger(__name__)

ACTIVE_SLOT = 1


class KeyUnavailable(DomainError):
    status = "unavailable"


def keys_dir(config=None):
    configured = settings.get(config, "CERTIFICATE_KEYS_DIR")
    return Path(configured) if configured else settings.data_dir(config) / "certificate" / "keys"


class KeyDirectory:
    def __init__(self, path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path, 0o700)

    def _file(self, kid):
        return self.path / f"{kid}.pem"

    def create(self):
        """A new key, written with mode 0600 before anyone can read it."""
        key = signing.generate()
        kid = signing.key_id(key)
        fd = os.open(self._file(kid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(signing.private_pem(key))
        log.info("generated signing key %s in %s", kid, self.path)
        return kid, key

    def load(self, kid):
        try:
            return signing.load_private_pem(self._file(kid).read_bytes())
        except FileNotFoundError:
            return None

    def found(self):
        """[(kid, key)] of every key file, oldest first."""
        out = []
        for path in sorted(self.path.glob("*.pem"), key=lambda p: p.stat().st_mtime):
            try:
                key = signing.load_private_pem(path.read_bytes())
            except ValueError:
                log.warning("%s is not an Ed25519 private key; ignored", path.name)
                continue
            out.append((signing.key_id(key), key))
        return out

    def remove(self, kid):
        self._file(kid).unlink(missing_ok=True)


class Keyring:
    """Public keys by kid (cached: a kid's key never changes) and the signer."""

    def __init__(self, directory):
        self.directory = directory
        self._public = {}
        self._private = {}

    def _register(self, session, kid, key, active):
        now = utcnow()
        if session.get(SigningKey, kid) is None:
            session.add(SigningKey(kid=kid, algorithm=signing.ALGORITHM,
                                   public_key=signing.b64u(signing.raw_public(key)),
                                   created_at=now))
            session.flush()
        if active:
            current = session.get(ActiveKey, ACTIVE_SLOT)
            if current is None:
                session.add(ActiveKey(slot=ACTIVE_SLOT, kid=kid, since=now))
            else:
                session.get(SigningKey, current.kid).retired_at = now
                current.kid, current.since = kid, now
            session.flush()
        self._private[kid] = key

    def bootstrap(self, session):
        """Make sure there is an active key (see the module docstring)."""
        if session.get(ActiveKey, ACTIVE_SLOT) is not None:
            return False
        found = self.directory.found()
        created = None
        if not found:
            created = self.directory.create()
            found = [created]
        try:
            for n, (kid, key) in enumerate(found):
                self._register(session, kid, key, active=(n == len(found) - 1))
        except IntegrityError:
            # another replica bootstrapped at the same moment: its key wins
            session.rollback()
            if created:
                self.directory.remove(created[0])
            raise
        return True

    def signer(self, session):
        """(kid, private key) of the active key."""
        active = session.get(ActiveKey, ACTIVE_SLOT)
        if active is None:
            self.bootstrap(session)
            active = session.get(ActiveKey, ACTIVE_SLOT)
        key = self._private.get(active.kid) or self.directory.load(active.kid)
        if key is None:
            log.error("the private key of the active signing key %s is not in %s",
                      active.kid, self.directory.path)
            raise KeyUnavailable("SIGNING_KEY_UNAVAILABLE", "the active signing key is not "
                                 "available to this replica", details={"kid": active.kid})
        self._private[active.kid] = key
        return active.kid, key

    def public_key(self, session, kid):
        """The Ed25519PublicKey of ``kid``, or None when we never had that key."""
        key = self._public.get(kid)
        if key is None:
            # a kid is 10 hex digits (signing.key_id); anything else, e.g. a NUL from a
            # tampered QR payload that PostgreSQL would refuse as a literal, is no key of ours
            row = session.get(SigningKey, kid) if isinstance(kid, str) and \
                KID.fullmatch(kid) else None
            if row is None:
                return None
            key = self._public[kid] = signing.public_key(row.public_key)
        return key

    def rotate(self, session):
        """A new active key; the old one is retired but keeps verifying."""
        if session.get(ActiveKey, ACTIVE_SLOT) is None:
            self.bootstrap(session)
        kid, key = self.directory.create()
        self._register(session, kid, key, active=True)
        return kid

    def published(self, session):
        """Every public key, for verifiers (no private material)."""
        active = session.get(ActiveKey, ACTIVE_SLOT)
        if active is None:                  # a fresh service makes its first key
            self.bootstrap(session)
            active = session.get(ActiveKey, ACTIVE_SLOT)
        rows = session.scalars(select(SigningKey).order_by(SigningKey.created_at)).all()
        return [{"kid": r.kid, "algorithm": r.algorithm, "public_key": r.public_key,
                 "public_key_pem": signing.public_pem(signing.public_key(r.public_key)),
                 "created_at": r.created_at.isoformat(),
                 "retired_at": r.retired_at.isoformat() if r.retired_at else None,
                 "active": bool(active and active.kid == r.kid)} for r in rows]


class Keys(DependencyProvider):
    """``self.keys``: the service's Keyring. The first start generates a key
    when there is none (see the module docstring)."""

    def setup(self):
        self.keyring = Keyring(KeyDirectory(keys_dir(self.container.config)))

    def start(self):
        db = next((d for d in self.container.dependencies if isinstance(d, Database)), None)
        if db is None or db.engine is None:
            return
        try:
            with Session(db.engine, future=True) as session:
                if self.keyring.bootstrap(session):
                    session.commit()
        except Exception:  # the database may not be there yet: the first use retries
            log.warning("could not set up the signing key at start; it is done on first use",
                        exc_info=True)

    def get_dependency(self, worker_ctx):
        return self.keyring
