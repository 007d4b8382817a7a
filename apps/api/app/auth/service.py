"""Account logic: plain arguments in, models out, domain errors raised."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from apps.api.app.auth import passwords
from apps.api.app.auth.models import User
from apps.api.app.db import utcnow
from apps.api.app.errors import AppError


class InvalidCredentials(AppError):
    status_code = 401
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("Incorrect email or password")


class WeakPassword(AppError):
    status_code = 422
    code = "weak_password"


class EmailTaken(AppError):
    status_code = 409
    code = "email_taken"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise WeakPassword(f"Password must be at least {passwords.MIN_LENGTH} characters")
    if len(password) > passwords.MAX_LENGTH:
        raise WeakPassword(f"Password must be at most {passwords.MAX_LENGTH} characters")


def get_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    db: Session,
    email: str,
    password: str,
    *,
    display_name: str = "",
    is_admin: bool = False,
    verified: bool = False,
) -> User:
    email = normalise_email(email)
    check_password_strength(password)
    if get_user_by_email(db, email) is not None:
        raise EmailTaken(f"A user with email {email} already exists")
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        display_name=display_name,
        is_admin=is_admin,
        email_verified_at=utcnow() if verified else None,
    )
    db.add(user)
    db.commit()
    return user


def set_password(db: Session, user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = passwords.hash_password(password)
    db.commit()


def authenticate(db: Session, email: str, password: str) -> User:
    """Return the user for these credentials or raise ``InvalidCredentials``.

    Unknown emails still run one argon2 verification so that timing does not reveal
    which addresses have accounts.
    """
    user = get_user_by_email(db, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.commit()
    return user
