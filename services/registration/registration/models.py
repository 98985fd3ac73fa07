"""Tables of the registration service's own database."""
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kernel.batches import BatchCopy
from kernel.db import Timestamp, make_base
from kernel.uploads import MaterialRecord

Base = make_base()

class Project(Base):
    __tablename__ = "projects"
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str] = mapped_column(String(10))
    years = mapped_column(JSON, nullable=False)


class Institution(Base):
    __tablename__ = "institutions"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InstitutionProject(Base):
    """An institution's authorisation for one project in one year (I1: the batch's
    year decides; the 2024 notice's 附件2 lists 2024's, docs/registration.md)."""
    __tablename__ = "institution_projects"
    institution_code: Mapped[str] = mapped_column(ForeignKey("institutions.code"),
                                                  primary_key=True)
    project_code: Mapped[str] = mapped_column(ForeignKey("projects.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)


class Batch(BatchCopy, Base):
    """Registration's own copy of the exam service's batches (kernel.batches)."""


class Material(MaterialRecord, Base):
    """An uploaded file, checked by content and stored by its SHA-256 (kernel.uploads)."""


class MaterialUploader(Base):
    """Who uploaded a file, as the gateway names its callers (``candidate:<user name>``,
    ``institution:<code>``): the uploader reads its own file before any application
    holds it (the gateway's file rule, docs/verification.md)."""
    __tablename__ = "material_uploaders"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    uploader: Mapped[str] = mapped_column(String(120), primary_key=True)
    uploaded_at = mapped_column(Timestamp(), nullable=False)


class Application(Base):
    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(ForeignKey("batches.code"), index=True)
    project_code: Mapped[str] = mapped_column(ForeignKey("projects.code"))
    channel: Mapped[str] = mapped_column(String(12))            # institution | individual
    institution_code = mapped_column(ForeignKey("institutions.code"), nullable=True, index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date = mapped_column(Date, nullable=False)
    person = mapped_column(JSON, nullable=False)    # education, major, occupation, phone, work_unit
    claim = mapped_column(JSON, nullable=False)     # the eligibility alternative claimed
    precheck = mapped_column(JSON, nullable=False)
    first_review = mapped_column(JSON, nullable=True)
    photo: Mapped[str] = mapped_column(String(64))
    materials = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)     # B2
    submitted_at = mapped_column(Timestamp(), nullable=False)
    updated_at = mapped_column(Timestamp(), nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        # R3: one live application per person, project and batch. Partial, so a
        # withdrawn application does not block a new one.
        Index("uq_applications_person_project_batch", "batch_code", "project_code", "id_number",
              unique=True, sqlite_where=text("status != 'withdrawn'"),
              postgresql_where=text("status != 'withdrawn'")),
    )


class ApplicationFile(Base):
    """A file (photo or scan) an application refers to: who may read a file
    follows who may read an application that holds it."""
    __tablename__ = "application_files"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)


class TimelineEntry(Base):
    __tablename__ = "timeline"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    at = mapped_column(Timestamp(), nullable=False)
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    note = mapped_column(Text, nullable=True)
    details = mapped_column(JSON, nullable=True)


class RegistrantRecount(Base):
    """B1: a change to 报名人数 of a batch and project that exam has not been sent
    yet. Written in the transaction of the change (an insert, so concurrent
    submissions do not wait on one row); the count_registrants timer counts each
    pair once, sends registrants_counted and deletes the marks it counted."""
    __tablename__ = "registrant_recounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_code: Mapped[str] = mapped_column(String(20))
    project_code: Mapped[str] = mapped_column(String(80))
