"""The provincial administrator's console (管理员, #17): the accounts as a
server-paged table. The gateway owns accounts, so the page is read from its
own database; the other admin pages relay to the services (gateway.routes,
gateway.routes_admin)."""
from sqlalchemy import func, or_, select

from kernel import privacy

from gateway.handlers.accounts import dump
from gateway.models import Account

ACCOUNT_SORTS = {"username": Account.username, "role": Account.role, "name": Account.name,
                 "created_at": Account.created_at}


def page_accounts(ctx):
    """{total, items}: the accounts of a role (or every staff and institution
    account: candidates are many and have their own service), whose user name
    or name holds ``q``, active or not, sorted, a page at a time. A candidate's
    ID number and any phone number are masked."""
    q = ctx.query
    where = []
    if q.get("role"):
        where.append(Account.role == q["role"])
    else:
        where.append(Account.role != "candidate")
    if q.get("active") is not None:
        where.append(Account.active.is_(q["active"]))
    if q.get("q"):
        pattern = "%" + q["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(Account.username.ilike(pattern, escape="\\"),
                         Account.name.ilike(pattern, escape="\\")))
    sort = q.get("sort") or "role"
    column = ACCOUNT_SORTS[sort.lstrip("-")]
    order = [column.desc() if sort.startswith("-") else column, Account.username]
    total = ctx.db.scalar(select(func.count()).select_from(Account).where(*where))
    page, size = q.get("page") or 1, q.get("size") or 20
    rows = ctx.db.scalars(select(Account).where(*where).order_by(*order)
                          .limit(size).offset((page - 1) * size))
    return {"total": total, "page": page, "size": size, "items": [_masked(a) for a in rows]}


def _masked(account):
    out = dump(account)
    if out.get("id_number"):
        out["id_number"] = privacy.mask_id(out["id_number"])
    if out.get("phone"):
        out["phone"] = out["phone"][:3] + "****" + out["phone"][-4:]
    return out
