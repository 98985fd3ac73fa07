"""What registration tells us about an application (the ticket's photo, the
dispatch's work unit), and the names registration keeps."""
import base64

from sqlalchemy import select

from exam.models import Profile


def keep(db, data):
    """Keep an application's submission; an older one arriving late changes nothing."""
    row = db.get(Profile, data["application_id"])
    if row is not None and row.submitted_at and data["submitted_at"] \
            and row.submitted_at >= data["submitted_at"]:
        return                               # an older event arriving late
    row = row or Profile(application_id=data["application_id"])
    row.channel, row.institution_code = data["channel"], data["institution_code"]
    row.work_unit, row.photo = data["person"].get("work_unit"), data["photo"]
    row.submitted_at = data["submitted_at"]
    db.add(row)


def of(db, registration, application_ids):
    """Profiles by application; one never seen in an event is fetched from
    registration (its data is locked once paid, B2, so the copy stays true)."""
    ids = list(application_ids)
    found = {p.application_id: p for p in db.scalars(
        select(Profile).where(Profile.application_id.in_(ids)))} if ids else {}
    for app_id in ids:
        if app_id not in found:
            app = registration.get_application(app_id)
            row = Profile(application_id=app_id, channel=app["channel"],
                          institution_code=app["institution_code"],
                          work_unit=(app.get("person") or {}).get("work_unit"),
                          photo=app["photo"], submitted_at=None)
            db.add(row)
            found[app_id] = row
    return found


def institution_names(registration, institution_codes):
    """Institution names by code, from registration (asked only when needed)."""
    if not any(institution_codes):
        return {}
    return {i["code"]: i["name"] for i in registration.list_institutions()}


def project_names(registration):
    return {p["code"]: p["name_zh"] for p in registration.list_projects()}


def photo(blobs, registration, key):
    """A photo's bytes, kept in exam's own store after the first fetch."""
    try:
        return blobs.get(key)
    except KeyError:
        material = registration.get_material(key)
        return blobs.get(blobs.put(base64.b64decode(material["content_base64"])))
