"""Imports from other journal apps, detected by content: Day One (its JSON export, bare or
inside its zip) and jrnl (``jrnl --export json``).

Each entry becomes a dict in the shape of transfer.ImportedEntry, with an ``import_key``
that finds it again on the next import (Day One: its uuid; jrnl, which has no ids: a hash
of date, time, title and body), so importing the same file twice creates nothing.

Day One: ``creationDate`` (UTC) is placed in the entry's ``timeZone`` (IANA) to get the
writer's calendar date; a first line ``# heading`` becomes the title (and leaves the body);
photo, video, audio and PDF links (``![](dayone-moment://…)``) are removed and counted as
``unsupported`` (an entry holding nothing else is not imported and counts too). jrnl:
``date`` + ``time`` (local, no zone: kept as written), tags without their ``@``.
A value of a wrong type, a bad date or an unknown time zone is an error for that entry
(the whole file is then refused with every error listed).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time
from typing import Any

from apps.api.app.entries.schemas import MAX_TITLE_LENGTH
from apps.api.app.timezones import check_timezone, zone

MAX_KEY_LENGTH = 64
_MOMENT = re.compile(r"!\[[^\]\n]{0,1000}\]\(dayone-moment:[^)\s]{0,1000}\)")
_HEADING = re.compile(r"#{1,6}[ \t]+([^\n]*?)[ \t#]*(?:\r?\n|\Z)")
_MEDIA = ("photos", "videos", "audios", "pdfAttachments")
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def kind(document: object) -> str | None:
    """ "dayone", "jrnl", or None (not one of theirs) for a parsed JSON document."""
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        return None
    entries = document["entries"]
    first = entries[0] if entries and isinstance(entries[0], dict) else {}
    if "metadata" in document or "creationDate" in first or "uuid" in first:
        return "dayone"
    if isinstance(document.get("tags"), dict) or ("date" in first and "time" in first):
        return "jrnl"
    return None


def _text(item: dict[str, Any], name: str, default: str = "") -> str:
    value = item.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value


def _tags(item: dict[str, Any], strip_at: bool = False) -> list[str]:
    value = item.get("tags") or []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError("tags must be a list of strings")
    return [t.removeprefix("@") if strip_at else t for t in value]


def _starred(item: dict[str, Any]) -> bool:
    value = item.get("starred", False)
    if not isinstance(value, bool):
        raise ValueError("starred must be true or false")
    return value


def _moment(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} is not an ISO date and time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _split_heading(text: str) -> tuple[str, str]:
    """A first line ``# heading`` → (title, the rest); otherwise ("", text)."""
    match = _HEADING.match(text)
    if match is None or not match[1].strip() or len(match[1].strip()) > MAX_TITLE_LENGTH:
        return "", text
    return match[1].strip(), text[match.end() :].lstrip("\r\n")


def dayone_entry(item: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """One Day One entry → (an ImportedEntry dict, how many media it had that are dropped)."""
    uuid = _text(item, "uuid")
    if not _KEY.fullmatch(uuid):
        raise ValueError("uuid must be 1 to 64 letters, digits, '-' or '_'")
    created = _moment(_text(item, "creationDate"), "creationDate")
    modified_text = _text(item, "modifiedDate")
    modified = _moment(modified_text, "modifiedDate") if modified_text else created
    zone_name = _text(item, "timeZone", "UTC") or "UTC"
    try:
        check_timezone(zone_name)
    except ValueError:
        raise ValueError(f"timeZone {zone_name[:64]!r} is not an IANA time zone") from None
    text, links = _MOMENT.subn("", _text(item, "text"))
    listed = sum(len(item[m]) for m in _MEDIA if isinstance(item.get(m), list))
    title, body = _split_heading(text.lstrip("\r\n"))
    entry = {
        "title": title,
        "body": body.strip("\n") if body.strip() else "",
        "tags": _tags(item),
        "starred": _starred(item),
        "entry_date": created.astimezone(zone(zone_name)).date(),
        "created_at": created,
        "updated_at": max(modified, created),
        "import_key": f"dayone:{uuid.upper()}",
    }
    return entry, max(links, listed)


def jrnl_entry(item: dict[str, Any]) -> dict[str, Any]:
    title, body = _text(item, "title"), _text(item, "body")
    day_text, time_text = _text(item, "date"), _text(item, "time", "00:00")
    try:
        day = date.fromisoformat(day_text)
        at = time.fromisoformat(time_text)
    except ValueError:
        raise ValueError("date must be YYYY-MM-DD and time HH:MM") from None
    if len(title.strip()) > MAX_TITLE_LENGTH:  # jrnl's title is the first sentence
        title, body = "", f"{title} {body}".strip()
    digest = hashlib.sha256(
        "\x1f".join((day_text, time_text, title, body)).encode("utf-8", "surrogatepass")
    ).hexdigest()
    moment = datetime.combine(day, at.replace(tzinfo=None), tzinfo=UTC)
    return {
        "title": title.strip(),
        "body": body.strip("\n"),
        "tags": _tags(item, strip_at=True),
        "starred": _starred(item),
        "entry_date": day,
        "created_at": moment,
        "updated_at": moment,
        "import_key": f"jrnl:{digest[:40]}",
    }


def convert(
    document: dict[str, Any], source: str, where: str = "entries"
) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]], int]:
    """(items for validation, errors, unsupported count) of a Day One or jrnl document."""
    items: list[tuple[str, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    unsupported = 0
    for index, item in enumerate(document["entries"]):
        place = f"{where}[{index}]"
        if not isinstance(item, dict):
            errors.append({"loc": ["file", place], "msg": "an entry must be an object"})
            continue
        try:
            if source == "dayone":
                entry, dropped = dayone_entry(item)
                unsupported += dropped
            else:
                entry = jrnl_entry(item)
        except ValueError as exc:
            errors.append({"loc": ["file", place], "msg": str(exc)})
            continue
        if not entry["title"] and not entry["body"].strip():
            unsupported += 1  # nothing but media: there is no entry left to import
            continue
        items.append((place, entry))
    return items, errors, unsupported
