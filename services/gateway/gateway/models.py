"""Tables of the gateway's own database: accounts, verification codes and the
token signing key."""
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import Timestamp, make_base

Base = make_base()


class Account(Base):
    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(100))
    institution_code: Mapped[str] = mapped_column(String(40), nullable=True)
    region: Mapped[str] = mapped_column(String(40), nullable=True)
    # a candidate's resident ID number: one account per person
    id_number: Mapped[str] = mapped_column(String(18), nullable=True, unique=True)
    phone: Mapped[str] = mapped_column(String(20), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped on a password change or a disable: older tokens stop working
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # a candidate whose person is verified (a code sent to the phone on file,
    # docs/verification.md): when, and to which number (masked)
    verified_at = mapped_column(Timestamp(), nullable=True)
    verified_phone = mapped_column(String(20), nullable=True)
    created_at = mapped_column(Timestamp(), nullable=False)
    updated_at = mapped_column(Timestamp(), nullable=False)

    @property
    def verified(self):
        return self.verified_at is not None


class VerificationCode(Base):
    """The code last sent to an account's phone on file: only its keyed digest
    (gateway.domain.code_digest), never the code itself."""
    __tablename__ = "verification_codes"
    username: Mapped[str] = mapped_column(ForeignKey("accounts.username"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(32))
    phone_masked: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at = mapped_column(Timestamp(), nullable=False)
    expires_at = mapped_column(Timestamp(), nullable=False)


class Setting(Base):
    """Process-wide values every replica must share (the token signing key)."""
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
