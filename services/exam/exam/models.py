"""Tables of the exam service's own database."""
from sqlalchemy import JSON, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import Timestamp, make_base

Base = make_base()


class Batch(Base):
    """An exam plan (考核计划): one exam date and the four windows before it."""
    __tablename__ = "batches"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    registration_start = mapped_column(Date, nullable=False)
    registration_end = mapped_column(Date, nullable=False)
    review_start = mapped_column(Date, nullable=False)
    review_end = mapped_column(Date, nullable=False)
    payment_start = mapped_column(Date, nullable=False)
    payment_end = mapped_column(Date, nullable=False)
    ticket_start = mapped_column(Date, nullable=False)
    ticket_end = mapped_column(Date, nullable=False)
    exam_date = mapped_column(Date, nullable=False)
    re_review_working_days: Mapped[int] = mapped_column(Integer)
    accepted_id_documents = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at = mapped_column(Timestamp(), nullable=False)

    def windows(self):
        return {w: {"start": getattr(self, f"{w}_start"), "end": getattr(self, f"{w}_end")}
                for w in ("registration", "review", "payment", "ticket")}

    def to_dict(self):
        """Dates as date objects; dump with BatchSchema for the wire."""
        out = {"code": self.code, "year": self.year, "seq": self.seq,
               "exam_date": self.exam_date,
               "re_review_working_days": self.re_review_working_days,
               "accepted_id_documents": list(self.accepted_id_documents),
               "status": self.status, "version": self.version}
        out.update(self.windows())
        return out

    def assign(self, batch):
        for key in ("year", "seq", "exam_date", "re_review_working_days",
                    "accepted_id_documents"):
            if key in batch:
                setattr(self, key, batch[key])
        for w in ("registration", "review", "payment", "ticket"):
            if w in batch:
                setattr(self, f"{w}_start", batch[w]["start"])
                setattr(self, f"{w}_end", batch[w]["end"])
