"""Catalogue and applications (the registration and exam services); their files:
gateway.handlers.files."""
import eventlet

from kernel.errors import DomainError

from gateway import domain
from gateway.handlers import files
from gateway.handlers.common import part_key
from gateway.web import File

BULK_CONCURRENCY = 8


# --- catalogue (public) --------------------------------------------------------------

def list_projects(ctx):
    return ctx.rpc("registration").list_projects(ctx.query["year"])


def list_institutions(ctx):
    return ctx.rpc("registration").list_institutions()


def list_batches(ctx):
    return ctx.rpc("exam").list_batches(ctx.query["year"])


def get_batch(ctx):
    return ctx.rpc("exam").get_batch(ctx.path["batch_code"])


# --- applications -------------------------------------------------------------------------

def application(ctx, application_id=None):
    """The application, if the caller may see it (candidate: their own;
    institution operator: their institution's)."""
    found = ctx.rpc("registration").get_application(application_id or
                                                    ctx.path["application_id"])
    domain.check_application(ctx.principal, found)
    return found


def apply(ctx):
    """A candidate applies for themselves (individual channel)."""
    body = dict(ctx.body, channel="individual")
    domain.check_applicant(ctx.principal, body["person"])
    files.check_materials(ctx, files.material_refs(body.get("materials")))
    return ctx.rpc("registration").submit_application(body)


def my_applications(ctx):
    """The candidate's own applications: those they submitted themselves (an
    institution's registrations of the same person only once verified)."""
    p = ctx.principal
    return [a for a in ctx.rpc("registration").find_applications(p.id_number, p.name)
            if domain.candidate_sees(p, a)]


def get_application(ctx):
    return application(ctx)


def resubmit(ctx):
    application(ctx)
    files.check_materials(ctx, files.material_refs(ctx.body.get("materials")))
    return ctx.rpc("registration").resubmit_application(
        dict(ctx.body, application_id=ctx.path["application_id"]))


def withdraw(ctx):
    application(ctx)
    return ctx.rpc("registration").withdraw_application(
        dict(ctx.body, application_id=ctx.path["application_id"], actor=ctx.actor))


def lookup(ctx):
    """Public: the status of a person's applications, by ID number and name."""
    found = ctx.rpc("registration").find_applications(ctx.data["id_number"],
                                                      ctx.data["name"])
    # no internal id: a public answer names nothing another route could act on
    return [{k: a[k] for k in ("batch_code", "project_code", "channel", "status",
                               "updated_at")} for a in found]


# --- institutions ----------------------------------------------------------------------------

def institution_applications(ctx):
    q = ctx.query
    return ctx.rpc("registration").list_institution_applications(
        ctx.path["institution_code"], q["batch_code"], q["status"])


def register_candidates(ctx):
    """Bulk registration by an institution: each candidate its own outcome."""
    results = submit_many(ctx, ctx.path["institution_code"], ctx.data["applications"],
                          ctx.data.get("idempotency_key"))
    ok = sum(1 for r in results if r["ok"])
    return {"ok": ok, "failed": len(results) - ok, "results": results}


def submit_many(ctx, code, items, key=None):
    """The institution channel's submissions of ``items``, BULK_CONCURRENCY at a
    time: one outcome each (also the roster import's, gateway.handlers.roster).
    An item's idempotency key is its own or ``<key>:<index>``."""
    submit = ctx.rpc("registration").submit_application
    # one look-up for the files of every item: each attaches only the
    # institution's own uploads (or files it may already read)
    refs = [files.material_refs(item.get("materials")) for item in items]
    readers = files.material_readers(ctx, [r for item in refs for r in item])

    def one(indexed):
        index, item = indexed
        request = dict(item, channel="institution", institution_code=code)
        if key and "idempotency_key" not in request:
            request["idempotency_key"] = part_key(key, index)
        try:
            files.check_materials(ctx, refs[index], readers)
            app = submit(request)
        except DomainError as err:
            return {"index": index, "ok": False, "error": err.to_dict()}
        return {"index": index, "ok": True, "application_id": app["id"],
                "status": app["status"]}

    pool = eventlet.GreenPool(BULK_CONCURRENCY)
    return list(pool.imap(one, enumerate(items)))


def roster(ctx):
    out = ctx.rpc("registration").institution_roster(ctx.path["institution_code"],
                                                     ctx.query["batch_code"])
    # a UTF-8 byte order mark so that spreadsheet programs show the Chinese
    return File("\ufeff" + out["csv"], "text/csv; charset=utf-8", out["filename"])

