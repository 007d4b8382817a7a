"""Passkeys (WebAuthn credentials) and the server-side challenges of their ceremonies."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from apps.api.app.db.base import Base, UTCDateTime, new_id, utcnow

# WebAuthn allows credential ids up to 1023 bytes.
CREDENTIAL_ID_MAX_BYTES = 1023
NAME_MAX_LENGTH = 64


class Passkey(Base):
    """A public-key credential registered by its owner. Only the public key is stored: the
    table holds nothing that signs anyone in."""

    __tablename__ = "passkeys"
    __table_args__ = (Index("ix_passkeys_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(CREDENTIAL_ID_MAX_BYTES), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    # The authenticator's signature counter (uint32, so BigInteger on PostgreSQL).
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # Comma-separated AuthenticatorTransport values ("internal,hybrid"), a hint for sign-in.
    transports: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebAuthnChallenge(Base):
    """A ceremony's single-use challenge, kept in the database so that any replica can finish
    a ceremony another one began. Registration challenges are bound to their user; sign-in
    challenges to nobody (the browser picks a discoverable credential) and are named by id."""

    __tablename__ = "webauthn_challenges"
    __table_args__ = (
        Index("ix_webauthn_challenges_user_id", "user_id"),
        Index("ix_webauthn_challenges_expires_at", "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    challenge: Mapped[bytes] = mapped_column(LargeBinary(64))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
