"""The gateway's settings, its token signing key, and the first account.

Settings (nameko config, then environment, then default):

| key | default | meaning |
|---|---|---|
| GATEWAY_SECRET | a random key kept in the gateway's database | HS256 signing key (every replica must share it) |
| GATEWAY_TOKEN_TTL | 28800 | token lifetime, seconds |
| GATEWAY_SCRYPT_N | 32768 | scrypt cost of new password hashes |
| GATEWAY_MAX_BODY | 8388608 | largest request body, bytes |
| GATEWAY_TRUST_FORWARDED | false | the direct peer is a proxy you run: the client is the last X-Forwarded-For hop it added |
| GATEWAY_TRUSTED_PROXIES | – | addresses or networks of your proxies (comma-separated): X-Forwarded-For is read from the right, skipping their hops; a peer not among them is the client |
| GATEWAY_SOCKET_TIMEOUT | 30 | seconds a connection may stay silent (slowloris) |
| GATEWAY_MAX_CONNECTIONS | 1000 | connections served at once per replica; one more gets 503 |
| GATEWAY_RATE_LIMIT | 10/60 | bucket size / seconds to refill it, per client address (gateway.ratelimit) |
| GATEWAY_TARGET_RATE_LIMIT | 30/3600 | the same per looked-up ID number or certificate number, from every address |
| GATEWAY_ADMIN_USERNAME | admin | the first provincial-center account |
| GATEWAY_ADMIN_PASSWORD | generated | its password; when generated it is written to <data dir>/gateway-admin-password (mode 600) |

At start the first replica stores a signing key (unless GATEWAY_SECRET is
set) and, while no provincial-center account exists, creates the first one.
Replicas starting together agree through the database: whoever inserts first
wins, the others read what it wrote.
"""
import ipaddress
import logging
import os
import secrets

from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel import settings
from kernel.db import Database, utcnow

from gateway import auth, domain
from gateway.models import Account, Setting

log = logging.getLogger(__name__)

SECRET_KEY = "token_secret"
ADMIN_PASSWORD_FILE = "gateway-admin-password"


def _flag(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class Keys(DependencyProvider):

    def setup(self):
        config = self.container.config
        get = settings.get
        self.token_ttl = int(get(config, "GATEWAY_TOKEN_TTL", 8 * 3600))
        self.scrypt_n = int(get(config, "GATEWAY_SCRYPT_N", auth.DEFAULT_N))
        self.max_body = int(get(config, "GATEWAY_MAX_BODY", 8 * 1024 * 1024))
        self.trust_forwarded = _flag(get(config, "GATEWAY_TRUST_FORWARDED", "false"))
        self.secret = get(config, "GATEWAY_SECRET")
        self.trusted_proxies = [
            ipaddress.ip_network(p.strip(), strict=False)
            for p in str(get(config, "GATEWAY_TRUSTED_PROXIES", "") or "").split(",") if p.strip()]

    def start(self):
        engine = next(d for d in self.container.dependencies if isinstance(d, Database)).engine
        with Session(engine) as session:
            if not self.secret:
                self.secret = self._shared_secret(session)
            self._first_admin(session)
        auth.decoy_hash(self.scrypt_n)       # ready before the first unknown user name

    def get_dependency(self, worker_ctx):
        return self

    def _shared_secret(self, session):
        row = session.get(Setting, SECRET_KEY)
        if row is None:
            session.add(Setting(key=SECRET_KEY, value=secrets.token_hex(32)))
            try:
                session.commit()
            except IntegrityError:           # another replica stored one first
                session.rollback()
            row = session.get(Setting, SECRET_KEY)
        return row.value

    def _first_admin(self, session):
        if session.scalar(select(Account.username).where(
                Account.role == domain.PROVINCIAL).limit(1)):
            return
        config = self.container.config
        username = settings.get(config, "GATEWAY_ADMIN_USERNAME", "admin")
        password = settings.get(config, "GATEWAY_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12) + "1a"
        now = utcnow()
        session.add(Account(username=username, role=domain.PROVINCIAL, name="Administrator",
                            password_hash=auth.hash_password(password, self.scrypt_n),
                            active=True, token_version=1, created_at=now, updated_at=now))
        try:
            session.commit()
        except IntegrityError:               # another replica made it
            session.rollback()
            return
        if generated:
            path = settings.data_dir(config) / ADMIN_PASSWORD_FILE
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(password + "\n")
            log.warning("created the first account %r (provincial_center); its password is "
                        "in %s", username, path)
        else:
            log.info("created the first account %r (provincial_center)", username)
