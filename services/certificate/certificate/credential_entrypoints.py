"""The certificate service's verifiable credentials (#19): entrypoints and the
two hooks the issuance and the revocation call. The rules and the proofs are
in certificate.credentials (pure); this is wiring: settings, rows, the keys.

    class CertificateService(CredentialEntrypoints, ..., ServiceBase)

- ``_credential_of(cert, kid, key)`` (issuance, before the PDF is made): the
  signed credential of a new certificate and its status index;
  ``_keep_credential(pending)`` after the certificate's row is flushed.
- ``_credential_revoked(number)`` (revocation): the certificate's bit is set
  and its status list signed again, in the revocation's transaction.
- assessor cards: ``assessor_training.card_issued`` (also on renewal: the
  credential is signed again with the new ``validUntil``, same index) and
  ``card_revoked`` (its bit set) give every card its credential
  (``get_card_credential``); a card's expiry is its ``validUntil``.
- ``issue_missing_credentials``: the migration job for certificates issued
  before credentials existed (their PDF is not changed: it is the document the
  holder has, and its hash is what verify_pdf knows).

Settings (kernel.settings, config.yaml): CERTIFICATE_DID_WEB_DOMAIN (the host
of the gateway the public reaches; the DID is ``did:web:<domain>:api:credentials``,
its document at ``https://<domain>/api/credentials/did.json``),
CERTIFICATE_STATUS_LIST_BITS (131072, the spec's minimum),
CERTIFICATE_STATUS_LIST_MAX_AGE_S (how long a cache may keep the list: 300).
"""
import base64
import hashlib
import json
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kernel import idnumber, settings
from kernel.db import utcnow
from kernel.entrypoints import handles, rpc
from kernel.errors import Conflict, NotFound, ValidationFailed

from assessor_training import events as training_events

from certificate import credentials, domain
from certificate.models import CardCredential, Certificate, Credential, StatusList

CREDENTIAL_DEFAULTS = {
    "CERTIFICATE_DID_WEB_DOMAIN": "skillcert.example",
    "CERTIFICATE_STATUS_LIST_BITS": credentials.MIN_LIST_BITS,
    "CERTIFICATE_STATUS_LIST_MAX_AGE_S": 300,
}
INDEX_DRAWS = 50          # random indexes tried in a list before giving up
MISSING_BATCH = 500       # certificates the migration job handles per call, at most


def _json(document):
    return json.dumps(document, ensure_ascii=False, indent=2)


class CredentialEntrypoints:

    def _vc_setting(self, key):
        return settings.get(self.config, key, CREDENTIAL_DEFAULTS[key])

    def _domain(self):
        return str(self._vc_setting("CERTIFICATE_DID_WEB_DOMAIN"))

    def _did(self):
        return credentials.did_web(self._domain(), ["api", "credentials"])

    def _base_url(self):
        return "https://" + self._domain()

    def _issuer(self):
        return {"id": self._did(), "name": self._setting("CERTIFICATE_ISSUER")}

    def _list_url(self, list_id):
        return f"{self._base_url()}/api/credentials/status/{list_id}"

    def _credential_url(self, number):
        return f"{self._base_url()}/api/public/credentials/{number}"

    def _card_url(self, card_number):
        return f"{self._base_url()}/api/public/credentials/cards/{card_number}"

    # --- issuance ---------------------------------------------------------------------------

    def _status_slot(self):
        """(list id, index): a random free index of the newest list (random, so
        that an index tells nothing of the order of issue); a new list when the
        newest is half full."""
        bits = int(self._vc_setting("CERTIFICATE_STATUS_LIST_BITS"))
        newest = self.db.scalar(select(func.max(StatusList.id))) or 0
        if newest:
            used = sum(self.db.scalar(select(func.count()).select_from(table).where(
                table.status_list == newest)) for table in (Credential, CardCredential))
            row = self.db.get(StatusList, newest)
            if used >= row.bits // 2:
                newest = 0
            else:
                bits = row.bits
        if not newest:
            newest = (self.db.scalar(select(func.max(StatusList.id))) or 0) + 1
            self.db.add(StatusList(id=newest, bits=bits, updated_at=utcnow()))
            self.db.flush()       # a twin list made at the same moment fails here: retried
        for _ in range(INDEX_DRAWS):
            index = random.randrange(bits)
            taken = [self.db.scalar(select(table.status_index).where(
                table.status_list == newest, table.status_index == index))
                for table in (Credential, CardCredential)]
            if taken == [None, None]:
                return newest, index
        raise Conflict("STATUS_LIST_FULL", "no free index found in the status list",
                       details={"status_list": newest})

    def _credential_of(self, cert, kid, key):
        """The signed credential of ``cert`` (its columns), before its PDF is made."""
        list_id, index = self._status_slot()
        unsigned = credentials.certificate_credential(
            cert, self._issuer(), self._credential_url(cert["number"]),
            credentials.status_entry(self._list_url(list_id), index))
        signed = self._sign(unsigned, kid, key)
        return {"certificate_number": cert["number"], "status_list": list_id,
                "status_index": index, "document": _json(signed), "kid": kid}

    def _keep_credential(self, pending, in_pdf=True):
        self.db.add(Credential(issued_at=utcnow(), in_pdf=in_pdf, **pending))
        self.db.flush()
        self._status_document(self.db.get(StatusList, pending["status_list"]))

    def _embedded_credential(self, number):
        """The credential text attached to the certificate's PDF, or None (a
        certificate issued before credentials: its PDF has none)."""
        row = self.db.get(Credential, number)
        return row.document if row is not None and row.in_pdf else None

    # --- revocation ---------------------------------------------------------------------------

    def _credential_revoked(self, number):
        """The revoked certificate's bit set: its list signed again (the list's
        row locked first, so that two revocations at once both count)."""
        row = self.db.get(Credential, number)
        if row is None:                     # not migrated yet: the job sets its bit
            return
        self.db.flush()
        status = self.db.scalars(select(StatusList).where(StatusList.id == row.status_list)
                                 .with_for_update()).one()
        self._sign_status_list(status)

    def _sign(self, unsigned, kid, key, created=None):
        """``unsigned`` with its Data Integrity proof by key ``kid`` of the issuer."""
        return credentials.sign(unsigned, key, credentials.method_id(self._did(), kid),
                                created or utcnow())

    def _status_document(self, status):
        """The signed status list credential of ``status`` (its row), signed first
        when the list is new."""
        if status.document is None:
            self._sign_status_list(status)
        return json.loads(status.document)

    def _sign_status_list(self, status):
        revoked = self.db.scalars(
            select(Credential.status_index).join(
                Certificate, Certificate.number == Credential.certificate_number)
            .where(Credential.status_list == status.id, Certificate.status == "revoked")).all()
        revoked += self.db.scalars(select(CardCredential.status_index).where(
            CardCredential.status_list == status.id, CardCredential.revoked.is_(True))).all()
        kid, key = self.keys.signer(self.db)
        now = utcnow()
        unsigned = credentials.status_list_credential(
            self._list_url(status.id), self._issuer(), now,
            credentials.encode_list(revoked, status.bits))
        text = _json(self._sign(unsigned, kid, key, now))
        status.document, status.updated_at = text, now
        status.etag = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    # --- served ---------------------------------------------------------------------------------

    @rpc
    def get_credential(self, certificate_number):
        """The credential of a certificate (public: it holds what the public
        verification by number shows, the ID number masked)."""
        number = domain.parse_number(certificate_number)
        row = self.db.get(Credential, number)
        if row is None:
            raise NotFound("CREDENTIAL_NOT_FOUND", "this certificate has no verifiable "
                           "credential (yet)", field="certificate_number", rule="C3")
        return json.loads(row.document)

    @rpc
    def download_credential(self, certificate_number, id_number, name):
        """C3: the holder's credential as a .json file (number, ID number and name
        must match, as for the PDF)."""
        number = domain.parse_number(certificate_number)
        cert = self.db.get(Certificate, number)
        person = idnumber.parse(id_number).number if isinstance(id_number, str) else None
        domain.check_holder_of(cert.to_dict() if cert is not None else None, person, name)
        document = self.get_credential(number)
        return {"filename": f"certificate-{number}.json", "media_type": "application/json",
                "content_base64": base64.b64encode(
                    _json(document).encode("utf-8")).decode("ascii")}

    @rpc
    def did_document(self):
        """The issuer's DID document: every signing key ever used, as Multikey."""
        return credentials.did_document(self._did(), self.keys.published(self.db))

    @rpc
    def status_list_credential(self, list_id):
        """A signed Bitstring Status List credential, with its ETag and how long
        a cache may keep it (the gateway's Cache-Control)."""
        try:
            list_id = int(list_id)
        except (TypeError, ValueError):
            list_id = None
        status = self.db.get(StatusList, list_id) if list_id is not None else None
        if status is None:
            raise NotFound("STATUS_LIST_NOT_FOUND", "no such status list", field="list_id")
        return {"document": self._status_document(status), "etag": status.etag,
                "max_age_s": int(self._vc_setting("CERTIFICATE_STATUS_LIST_MAX_AGE_S")),
                "updated_at": status.updated_at.isoformat()}

    @rpc
    def credential_context(self):
        """SkillCert's JSON-LD context (the certificate's fields), as bundled."""
        return {"url": credentials.CONTEXT_URL,
                "document": credentials.context(credentials.CONTEXT_URL)}

    @rpc
    def verify_credential(self, credential):
        """The suite's own verifier: the proof against the published keys, the
        status list's proof and the certificate's bit."""
        if not isinstance(credential, dict):
            raise ValidationFailed("CREDENTIAL_INVALID", "a credential is a JSON object",
                                   field="credential", rule="C2")
        entry = credential.get("credentialStatus")
        status_list = None
        if isinstance(entry, dict) and isinstance(entry.get("statusListCredential"), str):
            prefix = self._list_url("")
            list_id = entry["statusListCredential"][len(prefix):] \
                if entry["statusListCredential"].startswith(prefix) else None
            if list_id and list_id.isdigit():
                row = self.db.get(StatusList, int(list_id))
                if row is not None:
                    status_list = self._status_document(row)
        return credentials.verify(credential, self.did_document(), status_list)

    # --- assessor cards (A6) ---------------------------------------------------------------

    @handles("assessor_training", "card_issued")
    def on_card_issued(self, event):
        card = training_events.CARD_ISSUED.load(event["payload"])
        row = self.db.get(CardCredential, card["card_number"])
        if row is None:
            list_id, index = self._status_slot()
        else:
            list_id, index = row.status_list, row.status_index
        zone = ZoneInfo("Asia/Shanghai")
        unsigned = credentials.card_credential(
            card, self._issuer(), self._card_url(card["card_number"]),
            credentials.status_entry(self._list_url(list_id), index),
            datetime.combine(card["valid_from"], time(0), zone),
            datetime.combine(card["valid_until"] + timedelta(days=1), time(0), zone)
            - timedelta(seconds=1))
        kid, key = self.keys.signer(self.db)
        text = _json(self._sign(unsigned, kid, key))
        if row is None:
            self.db.add(CardCredential(card_number=card["card_number"], status_list=list_id,
                                       status_index=index, document=text, kid=kid,
                                       issued_at=utcnow(), revoked=False))
            self.db.flush()
            self._status_document(self.db.get(StatusList, list_id))
        else:
            row.document, row.kid = text, kid

    @handles("assessor_training", "card_revoked")
    def on_card_revoked(self, event):
        card = training_events.CARD_REVOKED.load(event["payload"])
        row = self.db.get(CardCredential, card["card_number"])
        if row is None or row.revoked:
            return
        row.revoked = True
        self.db.flush()
        self._sign_status_list(self.db.scalars(select(StatusList).where(
            StatusList.id == row.status_list).with_for_update()).one())

    @rpc
    def get_card_credential(self, card_number):
        """An assessor card's credential (public, as the card's verification)."""
        row = self.db.get(CardCredential, str(card_number)) \
            if isinstance(card_number, str) and len(card_number) <= 40 else None
        if row is None:
            raise NotFound("CREDENTIAL_NOT_FOUND", "this card has no verifiable credential",
                           field="card_number", rule="A6")
        return json.loads(row.document)

    # --- the migration job -------------------------------------------------------------------

    @rpc
    def issue_missing_credentials(self, limit=MISSING_BATCH):
        """Credentials for certificates issued without one (ops; run until
        ``remaining`` is 0). Their PDFs stay as issued; revoked ones get their bit."""
        limit = max(1, min(int(limit), MISSING_BATCH))
        rows = self.db.scalars(select(Certificate).outerjoin(
            Credential, Credential.certificate_number == Certificate.number)
            .where(Credential.certificate_number.is_(None))
            .order_by(Certificate.issued_at, Certificate.number).limit(limit)).all()
        kid, key = self.keys.signer(self.db)
        touched = set()
        for row in rows:
            pending = self._credential_of(row.to_dict(), kid, key)
            self._keep_credential(pending, in_pdf=False)
            if row.status == "revoked":
                touched.add(pending["status_list"])
        for list_id in touched:
            self._sign_status_list(self.db.get(StatusList, list_id))
        remaining = self.db.scalar(select(func.count()).select_from(Certificate).outerjoin(
            Credential, Credential.certificate_number == Certificate.number)
            .where(Credential.certificate_number.is_(None)))
        return {"issued": len(rows), "remaining": remaining}
