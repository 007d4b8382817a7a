"""The mails Journal sends, as plain text and HTML. Every interpolated value is escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape

from apps.api.app.db.base import utcnow
from apps.api.app.mail.mailer import Mail


def notice_time(moment: datetime | None = None) -> str:
    """When a security notice's event happened (now unless given), as every notice writes it."""
    return (moment or utcnow()).strftime("%Y-%m-%d %H:%M UTC")


def _html(title: str, paragraphs: list[str], link: tuple[str, str] | None = None) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    button = ""
    if link:
        label, url = link
        button = (
            f'<p><a href="{escape(url)}" style="display:inline-block;padding:10px 18px;'
            f'background:#3b5bdb;color:#fff;border-radius:6px;text-decoration:none">'
            f'{escape(label)}</a></p><p style="color:#666;font-size:13px">Or paste this link '
            f"into your browser: {escape(url)}</p>"
        )
    return (
        f'<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328">'
        f"<h2>{escape(title)}</h2>{body}{button}"
        f'<p style="color:#666;font-size:13px">— Journal</p></body></html>'
    )


def verify_email(to: str, link: str) -> Mail:
    return Mail(
        to=to,
        subject="Confirm your email for Journal",
        text=(
            "Welcome to Journal!\n\n"
            f"Confirm your email address by opening this link (valid for 24 hours):\n\n{link}\n\n"
            "If you did not sign up, ignore this mail: no account is activated without it.\n"
        ),
        html=_html(
            "Welcome to Journal",
            [
                "Confirm your email address to finish signing up. The link is valid for 24 hours.",
                "If you did not sign up, ignore this mail: no account is activated without it.",
            ],
            ("Confirm my email", link),
        ),
    )


def already_registered(to: str, signin_link: str, reset_link: str) -> Mail:
    return Mail(
        to=to,
        subject="Someone tried to sign up to Journal with your email",
        text=(
            "Someone (perhaps you) tried to create a Journal account with this address, but "
            "you already have one.\n\n"
            f"Sign in: {signin_link}\nForgot your password? {reset_link}\n\n"
            "If it was not you, nothing has changed and you can ignore this mail.\n"
        ),
        html=_html(
            "You already have an account",
            [
                "Someone (perhaps you) tried to create a Journal account with this address, "
                "but you already have one.",
                f'Forgot your password? <a href="{escape(reset_link)}">Reset it</a>.',
                "If it was not you, nothing has changed and you can ignore this mail.",
            ],
            ("Sign in", signin_link),
        ),
    )


def reset_password(to: str, link: str) -> Mail:
    return Mail(
        to=to,
        subject="Reset your Journal password",
        text=(
            "Someone asked to reset the password of your Journal account.\n\n"
            f"Choose a new password with this link (valid for 1 hour, once):\n\n{link}\n\n"
            "If it was not you, ignore this mail: your password stays as it is.\n"
        ),
        html=_html(
            "Reset your password",
            [
                "Someone asked to reset the password of your Journal account. "
                "The link is valid for 1 hour and works once.",
                "If it was not you, ignore this mail: your password stays as it is.",
            ],
            ("Choose a new password", link),
        ),
    )


def new_device(to: str, device: str, ip: str | None, when: str, settings_link: str) -> Mail:
    where = f" from {ip}" if ip else ""
    return Mail(
        to=to,
        subject=f"New sign-in to Journal: {device}",
        text=(
            f"Your Journal account was just signed in to on {device}{where} ({when}).\n\n"
            "If this was you, there is nothing to do.\n"
            f"If it was not, sign that device out and change your password: {settings_link}\n\n"
            "You can turn these notices off in Settings.\n"
        ),
        html=_html(
            "New sign-in to your journal",
            [
                f"Your Journal account was just signed in to on <strong>{escape(device)}</strong>"
                f"{escape(where)} ({escape(when)}).",
                "If this was you, there is nothing to do. If it was not, sign that device out "
                "and change your password.",
                "You can turn these notices off in Settings.",
            ],
            ("Review your devices", settings_link),
        ),
    )


def _security_notice(
    to: str,
    *,
    subject: str,
    what: str,
    device: str,
    ip: str | None,
    when: str,
    if_not_you: str,
    settings_link: str,
) -> Mail:
    """A change to how the account is protected: what happened, when, from which device and
    address, and what to do if it was not the owner."""
    where = f" from {ip}" if ip else ""
    return Mail(
        to=to,
        subject=subject,
        text=(
            f"{what}\n\nWhen: {when}\nDevice: {device}{where}\n\n"
            "If this was you, there is nothing to do.\n"
            f"If it was not, {if_not_you}: {settings_link}\n"
        ),
        html=_html(
            subject,
            [
                escape(what),
                f"When: {escape(when)}<br>Device: <strong>{escape(device)}</strong>{escape(where)}",
                f"If this was you, there is nothing to do. If it was not, {escape(if_not_you)}.",
            ],
            ("Review your security settings", settings_link),
        ),
    )


def password_changed(to: str, device: str, ip: str | None, when: str, reset_link: str) -> Mail:
    return _security_notice(
        to,
        subject="Your Journal password was changed",
        what="The password of your Journal account was changed, and every other device was "
        "signed out.",
        device=device,
        ip=ip,
        when=when,
        if_not_you="reset your password now: someone who knew it changed it",
        settings_link=reset_link,
    )


def password_reset(to: str, device: str, ip: str | None, when: str, reset_link: str) -> Mail:
    return _security_notice(
        to,
        subject="Your Journal password was reset",
        what="The password of your Journal account was reset through a link mailed to this "
        "address, and every device was signed out.",
        device=device,
        ip=ip,
        when=when,
        if_not_you="someone can read this mailbox: secure it, then reset your password again",
        settings_link=reset_link,
    )


def _notice_context(device: str, ip: str | None, when: str) -> str:
    """When, from which device and address: the facts a security notice carries."""
    return f"{when}, {device}" + (f", {ip}" if ip else "")


def confirm_email_change(to: str, link: str) -> Mail:
    return Mail(
        to=to,
        subject="Confirm your new email for Journal",
        text=(
            "Someone asked to use this address for their Journal account.\n\n"
            f"Confirm it by opening this link (valid for 24 hours, once):\n\n{link}\n\n"
            "If it was not you, ignore this mail: nothing changes without it.\n"
        ),
        html=_html(
            "Confirm your new email",
            [
                "Someone asked to use this address for their Journal account. "
                "The link is valid for 24 hours and works once.",
                "If it was not you, ignore this mail: nothing changes without it.",
            ],
            ("Confirm this address", link),
        ),
    )


_NOT_YOU = "reset your password at once and sign out the devices you do not know"


def second_factor_enabled(
    to: str, device: str, ip: str | None, when: str, settings_link: str
) -> Mail:
    return _security_notice(
        to,
        subject="Two-step verification is on for your Journal account",
        what="Two-step verification (an authenticator app) was turned on for your Journal "
        "account, and every other device was signed out.",
        device=device,
        ip=ip,
        when=when,
        if_not_you=_NOT_YOU,
        settings_link=settings_link,
    )


def second_factor_disabled(
    to: str, device: str, ip: str | None, when: str, settings_link: str
) -> Mail:
    return _security_notice(
        to,
        subject="Two-step verification was turned off for your Journal account",
        what="Two-step verification was turned off for your Journal account: signing in now "
        "needs only your password. Every other device was signed out.",
        device=device,
        ip=ip,
        when=when,
        if_not_you=_NOT_YOU + ", then turn two-step verification on again",
        settings_link=settings_link,
    )


def recovery_codes_regenerated(
    to: str, device: str, ip: str | None, when: str, settings_link: str
) -> Mail:
    return _security_notice(
        to,
        subject="New recovery codes for your Journal account",
        what="New recovery codes were made for your Journal account; the old ones no longer work.",
        device=device,
        ip=ip,
        when=when,
        if_not_you=_NOT_YOU + ", then make new recovery codes",
        settings_link=settings_link,
    )


def passkey_added(
    to: str, name: str, when: str, device: str, ip: str | None, settings_link: str
) -> Mail:
    return _security_notice(
        to,
        subject="A passkey was added to your Journal account",
        what=f"A passkey named \u201c{name}\u201d was added to your Journal account; it can "
        "now sign in without your password.",
        device=device,
        ip=ip,
        when=when,
        if_not_you="remove that passkey, " + _NOT_YOU,
        settings_link=settings_link,
    )


def passkey_removed(
    to: str, name: str, when: str, device: str, ip: str | None, settings_link: str
) -> Mail:
    return _security_notice(
        to,
        subject="A passkey was removed from your Journal account",
        what=f"The passkey named \u201c{name}\u201d was removed from your Journal account; "
        "it can no longer sign in.",
        device=device,
        ip=ip,
        when=when,
        if_not_you="someone who knows your password is signed in: " + _NOT_YOU,
        settings_link=settings_link,
    )


def passkey_counter_regressed(
    to: str, name: str, when: str, device: str, ip: str | None, settings_link: str
) -> Mail:
    return _security_notice(
        to,
        subject="A sign-in with your Journal passkey was refused",
        what=f"A sign-in with your passkey \u201c{name}\u201d was refused: its signature "
        "counter went backwards, which can mean the passkey was copied. The passkey still "
        "works.",
        device=device,
        ip=ip,
        when=when,
        if_not_you="remove that passkey, register a new one, and " + _NOT_YOU,
        settings_link=settings_link,
    )


def email_change_taken(to: str) -> Mail:
    """To an address that already has an account, when another account asks to move to it
    (sent instead of a link, so that the answer and the work match the free-address case)."""
    return Mail(
        to=to,
        subject="Someone tried to use your email on Journal",
        text=(
            "Someone asked to move another Journal account to this address, but it already "
            "belongs to your account, so nothing changed.\n\n"
            "You can ignore this mail.\n"
        ),
        html=_html(
            "Nothing changed",
            [
                "Someone asked to move another Journal account to this address, but it already "
                "belongs to your account, so nothing changed.",
                "You can ignore this mail.",
            ],
        ),
    )


def email_change_requested(
    to: str, new_email: str, device: str, ip: str | None, when: str, settings_link: str
) -> Mail:
    context = _notice_context(device, ip, when)
    return Mail(
        to=to,
        subject="Your Journal email is about to change",
        text=(
            f"Someone signed in to your Journal account asked to change its email to "
            f"{new_email} ({context}). It changes once that address confirms.\n\n"
            "If this was you, there is nothing to do.\n"
            "If it was not, change your password now and sign out the other devices: "
            f"{settings_link}\n"
        ),
        html=_html(
            "Your email is about to change",
            [
                "Someone signed in to your Journal account asked to change its email to "
                f"<strong>{escape(new_email)}</strong> ({escape(context)}). It changes once "
                "that address confirms.",
                "If this was you, there is nothing to do. If it was not, change your password "
                "now and sign out the other devices.",
            ],
            ("Review your account", settings_link),
        ),
    )


def account_deleted(to: str, device: str, ip: str | None, when: str) -> Mail:
    context = _notice_context(device, ip, when)
    return Mail(
        to=to,
        subject="Your Journal account was deleted",
        text=(
            f"Your Journal account and everything in it were deleted ({context}).\n\n"
            "Goodbye, and thank you for writing with us.\n"
            "If this was not you, someone knew your password: reply to the server's "
            "operator at once, and change that password wherever else you use it.\n"
        ),
        html=_html(
            "Your account was deleted",
            [
                f"Your Journal account and everything in it were deleted ({escape(context)}).",
                "Goodbye, and thank you for writing with us.",
                "If this was not you, someone knew your password: tell the server's operator "
                "at once, and change that password wherever else you use it.",
            ],
        ),
    )
