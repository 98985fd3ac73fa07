"""What registration tells us about an application (the ticket's photo, the
dispatch's work unit), and the names registration keeps."""
import base64

from sqlalchemy import select

from kernel import idnumber

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
    row.sex = data.get("sex")
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
                          photo=app["photo"], sex=app.get("sex"), submitted_at=None)
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


def for_certificate(blobs, registration, profile, id_number, with_photo):
    """What result_finalized carries of the application (#14): sex, channel,
    institution and photo (its hash, and its bytes for a pass). The sex is
    registration's (from the ID number, as registration derives it) and, for a
    profile kept before exam kept it, read from the ID number the same way."""
    if profile is None:
        return {}
    sex = profile.sex or idnumber.parse(id_number).sex
    out = {"sex": sex, "channel": profile.channel,
           "institution_code": profile.institution_code, "photo": profile.photo}
    if with_photo:
        out["photo_base64"] = base64.b64encode(photo(blobs, registration,
                                                     profile.photo)).decode()
    return out
