"""Accounts: candidates sign up, everyone signs in, the provincial center
makes staff and institution-operator accounts."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kernel import idnumber
from kernel.db import utcnow
from kernel.errors import Conflict, NotFound

from gateway import auth, domain
from gateway.models import Account
from gateway.schemas import AccountSchema

account_schema = AccountSchema()


def dump(account):
    return account_schema.dump(account)


def _create(ctx, data, role):
    domain.check_password(data["password"], data["username"])
    # the cheap checks first: a refused sign-up never costs a scrypt hash
    if ctx.db.get(Account, data["username"]) is not None:
        raise Conflict("USERNAME_TAKEN", "this user name is taken", field="username")
    if data.get("id_number") and ctx.db.scalar(select(Account.username).where(
            Account.id_number == data["id_number"])):
        raise Conflict("PERSON_HAS_ACCOUNT", "this ID number already has an account: sign in "
                       "with it", field="id_number")
    account = Account(username=data["username"], role=role, name=data["name"].strip(),
                      institution_code=data.get("institution_code"),
                      region=data.get("region"), id_number=data.get("id_number"),
                      phone=data.get("phone"), active=True, token_version=1,
                      password_hash=auth.hash_password(data["password"], ctx.keys.scrypt_n),
                      created_at=utcnow(), updated_at=utcnow())
    ctx.db.add(account)
    try:
        ctx.db.flush()
    except IntegrityError:        # a concurrent sign-up with the same name or number
        ctx.db.rollback()
        raise Conflict("USERNAME_TAKEN", "this user name or ID number already has an account",
                       field="username")
    return account


def signup(ctx):
    """A candidate's own account, bound to a valid resident ID number (R2), and
    signed in at once: the answer carries the token /auth/token would give, so
    a new candidate's password is hashed once, not hashed and then checked."""
    data = ctx.data
    person = idnumber.parse(data["id_number"])
    data["id_number"] = person.number
    account = _create(ctx, data, domain.CANDIDATE)
    return dict(dump(account), **_token(ctx, account))


def create_account(ctx):
    data = ctx.data
    domain.check_account_binding(data["role"], data["institution_code"], data["region"], None)
    return dump(_create(ctx, data, data["role"]))


def list_accounts(ctx):
    query = select(Account).order_by(Account.role, Account.username)
    if ctx.query.get("role"):
        query = query.where(Account.role == ctx.query["role"])
    return [dump(a) for a in ctx.db.scalars(query)]


def disable_account(ctx):
    account = ctx.db.get(Account, ctx.path["username"])
    if account is None:
        raise NotFound("ACCOUNT_NOT_FOUND", "no such account", field="username")
    if account.username == ctx.principal.username:
        raise Conflict("CANNOT_DISABLE_SELF", "you cannot disable your own account",
                       field="username")
    account.active = False
    account.token_version += 1
    account.updated_at = utcnow()
    return dump(account)


def login(ctx):
    data = ctx.data
    account = ctx.db.get(Account, data["username"])
    # an unknown user name costs the same scrypt as a known one: the time of
    # the answer does not tell which user names exist
    stored = (account.password_hash if account is not None
              else auth.decoy_hash(ctx.keys.scrypt_n))
    matches = auth.verify_password(data["password"], stored)
    if account is None or not account.active or not matches:
        raise domain.Unauthenticated("BAD_CREDENTIALS", "wrong user name or password",
                                     field="password")
    if auth.needs_rehash(account.password_hash, ctx.keys.scrypt_n):
        account.password_hash = auth.hash_password(data["password"], ctx.keys.scrypt_n)
    return dict(_token(ctx, account), username=account.username, role=account.role,
                institution_code=account.institution_code)


def _token(ctx, account):
    ttl = ctx.keys.token_ttl
    return {"access_token": auth.issue_token(ctx.keys.secret, account, utcnow(), ttl),
            "token_type": "bearer", "expires_in": ttl}


def me(ctx):
    return dump(ctx.account)


def logout(ctx):
    """退出登录 on the server: every token of this account stops working (the
    token version is bumped, as a password change does), on every device."""
    account = ctx.account
    account.token_version += 1
    account.updated_at = utcnow()
    return {"signed_out": True, "username": account.username}


def change_password(ctx):
    data, account = ctx.data, ctx.account
    if not auth.verify_password(data["old_password"], account.password_hash):
        raise domain.Unauthenticated("BAD_CREDENTIALS", "the old password is wrong",
                                     field="old_password")
    domain.check_password(data["new_password"], account.username)
    account.password_hash = auth.hash_password(data["new_password"], ctx.keys.scrypt_n)
    account.token_version += 1          # every token issued before stops working
    account.updated_at = utcnow()
    return dump(account)
