"""Bank receipts (银行回单, M3) as stored: the file's row and who uploaded it."""
from sqlalchemy import select

from kernel import uploads
from kernel.db import utcnow

from payment.domain import payments
from payment.models import Item, Receipt, ReceiptUploader, Submission, SubmissionLine


def add(db, key, media_type, size, uploader=None):
    if db.get(Receipt, key) is None:
        db.add(Receipt(hash=key, media_type=media_type, size=size, uploaded_at=utcnow()))
    if uploader:
        uploads.record_uploader(db, ReceiptUploader, key, uploader)


def get(db, key, uploaded_first=False):
    """The receipt's row, or RECEIPT_NOT_FOUND (M3)."""
    return payments.check_receipt_on_file(db.get(Receipt, str(key)),
                                          uploaded_first=uploaded_first)


def readers(db, hashes):
    """Of each known receipt, who uploaded it and the applications of the
    payments that hold it; unknown hashes are left out."""
    out = uploads.uploaders_of(db, Receipt, ReceiptUploader, hashes, what="receipt")
    if out:
        uploads.add_holders(out, db.execute(select(
            Submission.receipt_hash, Item.id_number, Item.name, Item.channel,
            Item.institution_code).join(
            SubmissionLine, SubmissionLine.submission_id == Submission.id).join(
            Item, Item.application_id == SubmissionLine.application_id).where(
            Submission.receipt_hash.in_(list(out)))))
    return out
