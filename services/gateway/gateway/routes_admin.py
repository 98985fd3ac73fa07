"""The certificate office's and the provincial administrator's console tables
(证书, 管理员, #17), paged, sorted and filtered on the server. The other admin
operations (accounts create/disable, clock, calendar, batches, revocation,
print batches, collections, the ledger) are in gateway.routes.

Key rotation stays an ops action (python -m deploy.ops rotate-signing-key with
the ops broker user, docs/security.md): the certificate office sees the keys
(GET /public/certificate-keys) and is told so, the gateway is given no route."""
from marshmallow import fields, validate

from kernel.schemas import StrictSchema

from gateway import domain
from gateway.schemas import AccountSchema
from gateway.handlers import admin
from gateway.handlers.common import relay
from gateway.route import CERTIFICATE_STAFF, Route
from gateway.domain import PROVINCIAL


class _Page(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class AccountPageQuery(_Page):
    role = fields.String(load_default=None, validate=validate.OneOf(domain.ACCOUNT_ROLES))
    active = fields.Boolean(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    sort = fields.String(load_default="role", validate=validate.OneOf(
        [s for k in admin.ACCOUNT_SORTS for s in (k, "-" + k)]))


CERT_SORTS = ("number", "issued_on", "project_name", "batch_code", "status")


class CertificatePageQuery(_Page):
    batch_code = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    status = fields.String(load_default=None, validate=validate.OneOf(("valid", "revoked")))
    paper_status = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    number = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9A-Za-z]{1,14}$"))
    sort = fields.String(load_default="-issued_on", validate=validate.OneOf(
        [s for k in CERT_SORTS for s in (k, "-" + k)]))


class AccountPageSchema(StrictSchema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    size = fields.Integer(required=True)
    items = fields.List(fields.Nested(AccountSchema), required=True)


ROUTES = (
    Route("GET", "/admin/accounts/page", "page_accounts", (PROVINCIAL,), admin.page_accounts,
          "The accounts as the administrator's table: by role, active or not, a user name "
          "or name holding q, sorted and paged on the server", "accounts",
          query=AccountPageQuery, response=AccountPageSchema,
          description="Without a role: every account but candidates'. sort: role (the "
                      "default), username, name, created_at, '-' first for descending. "
                      "{total, page, size, items}; ID and phone numbers masked."),
    Route("GET", "/admin/certificates/page", "page_certificates", CERTIFICATE_STAFF,
          relay("certificate", "page_certificates",
                query=("batch_code", "status", "paper_status", "number", "page", "size",
                       "sort")),
          "What was issued, as the certificate office's table: by batch, status, paper "
          "status and a number's beginning, sorted and paged on the server",
          "certificates", query=CertificatePageQuery, services=("certificate",),
          description="sort: -issued_on (the default), number, issued_on, project_name, "
                      "batch_code, status, '-' first for descending. {total, page, size, "
                      "items}."),
)
