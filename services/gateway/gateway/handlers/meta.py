"""The gateway's own routes: health, the OpenAPI document, the docs page."""
from sqlalchemy import text
from werkzeug.wrappers import Response

from gateway.web import json_response


def health(ctx):
    ctx.db.execute(text("SELECT 1"))
    return {"service": "gateway", "ok": True}


def openapi(ctx):
    from gateway.openapi import document
    return json_response(document())


def docs(ctx):
    from gateway.openapi import page
    return Response(page(), content_type="text/html; charset=utf-8")


def clock_state(ctx):
    from kernel import clock, settings
    rehearsal = clock.read(ctx.config)
    return {"today": (rehearsal or settings.today(ctx.config)).isoformat(),
            "rehearsal": clock.enabled(ctx.config),
            "rehearsal_date": rehearsal and rehearsal.isoformat()}


def today(ctx):
    return {"today": clock_state(ctx)["today"]}


def set_clock(ctx):
    """Move the rehearsal clock of every service on this machine (kernel.clock)."""
    from kernel import clock
    from kernel.errors import Conflict
    if not clock.enabled(ctx.config):
        raise Conflict("REHEARSAL_OFF", "the clock moves only in a rehearsal: start the suite "
                       "with SKILLCERT_REHEARSAL=1", field="today")
    clock.write(ctx.data["today"], ctx.config)
    return clock_state(ctx)


def clear_clock(ctx):
    from kernel import clock
    clock.clear(ctx.config)
    return clock_state(ctx)
