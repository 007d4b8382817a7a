"""Entry logic. Every query here is scoped to one user's id."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from apps.api.app.db.base import utcnow
from apps.api.app.entries.exceptions import EntryInvalid, VersionConflict
from apps.api.app.entries.models import Entry, EntryTag
from apps.api.app.entries.words import count_words
from apps.api.app.errors import NotFound

# ---- reads ----------------------------------------------------------------------------------


def parse_entry_id(entry_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(entry_id)
    except ValueError:
        raise NotFound("Entry not found") from None


def get_owned_entry(db: Session, user_id: uuid.UUID, entry_id: str) -> Entry:
    """The entry if it belongs to this user; 404 otherwise (never 403: ids are not confirmed)."""
    ident = parse_entry_id(entry_id)
    entry = db.scalar(select(Entry).where(Entry.id == ident, Entry.user_id == user_id))
    if entry is None:
        raise NotFound("Entry not found")
    return entry


# ---- writes ---------------------------------------------------------------------------------


def etag(entry_id: uuid.UUID, version: int) -> str:
    return f'"{entry_id.hex}.{version}"'


def check_if_match(entry: Entry, if_match: str | None) -> None:
    """Optimistic concurrency: a stale ``If-Match`` is refused; no header means last write wins."""
    if if_match is None:
        return
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" in candidates or etag(entry.id, entry.version) in candidates:
        return
    raise VersionConflict()


def check_has_content(title: str, body: str) -> None:
    if not title and not body.strip():
        raise EntryInvalid("An entry needs a title or a body", ["body"])


def set_tags(entry: Entry, tags: list[str]) -> None:
    """Write the entry's ordered tag list and its index rows together."""
    entry.tags = list(tags)
    # Reuse the rows of tags that stay: replacing them would delete and re-insert the
    # same primary key in one flush.
    existing = {row.name: row for row in entry.tag_rows}
    rows = []
    for position, name in enumerate(tags):
        row = existing.get(name) or EntryTag(name=name, user_id=entry.user_id)
        row.position = position
        rows.append(row)
    entry.tag_rows = rows


def create_entry(db: Session, user_id: uuid.UUID, data: dict[str, Any]) -> Entry:
    now = utcnow()
    entry = Entry(
        user_id=user_id,
        title=data.get("title") or "",
        body=data.get("body") or "",
        mood=data.get("mood"),
        starred=bool(data.get("starred")),
        entry_date=data.get("entry_date") or now.date(),
        created_at=now,
        updated_at=now,
    )
    set_tags(entry, data.get("tags") or [])
    entry.word_count = count_words(entry.title, entry.body)
    db.add(entry)
    db.commit()
    return entry


def update_entry(db: Session, entry: Entry, changes: dict[str, Any]) -> Entry:
    """Apply ``changes`` (already validated, only editable fields) and bump the version."""
    for field in ("title", "body", "mood", "starred", "entry_date"):
        if field in changes:
            setattr(entry, field, changes[field])
    if "title" in changes or "body" in changes:
        entry.word_count = count_words(entry.title, entry.body)
    if "tags" in changes:
        set_tags(entry, changes["tags"])
    entry.updated_at = utcnow()
    _commit_versioned(db)
    return entry


def _commit_versioned(db: Session) -> None:
    """Commit; a row another writer changed meanwhile (version check) → 412."""
    try:
        db.commit()
    except Exception as exc:
        from sqlalchemy.orm.exc import StaleDataError

        db.rollback()
        if isinstance(exc, StaleDataError):
            raise VersionConflict() from None
        raise


def delete_entry(db: Session, entry: Entry) -> None:
    db.delete(entry)
    db.commit()


# ---- tags -----------------------------------------------------------------------------------


def _tagged(db: Session, user_id: uuid.UUID, name: str) -> list[Entry]:
    """This user's entries carrying the tag (with their tag rows); 404 if there are none."""
    entries = list(
        db.scalars(
            select(Entry)
            .options(selectinload(Entry.tag_rows))
            .where(
                Entry.user_id == user_id,
                Entry.id.in_(
                    select(EntryTag.entry_id).where(
                        EntryTag.user_id == user_id, EntryTag.name == name
                    )
                ),
            )
        )
    )
    if not entries:
        raise NotFound("Tag not found")
    return entries


def _retag(db: Session, entries: list[Entry], old: str, new: str | None) -> None:
    """Replace (or drop, ``new`` None) a tag on each entry, keeping order and no duplicate;
    each entry's version and updated_at move, so ETags change."""
    now = utcnow()
    for entry in entries:
        if new is None:
            tags = [tag for tag in entry.tags if tag != old]
        else:
            tags = list(dict.fromkeys(new if tag == old else tag for tag in entry.tags))
        set_tags(entry, tags)
        entry.updated_at = now
    _commit_versioned(db)


def normalise_tag(name: str) -> str:
    return name.strip().lower()


def rename_tag(db: Session, user_id: uuid.UUID, name: str, new_name: str) -> int:
    """Rename a tag on every entry of the user, merging into ``new_name`` if it exists;
    returns how many entries carry ``new_name`` afterwards."""
    old = normalise_tag(name)
    entries = _tagged(db, user_id, old)
    if new_name != old:
        _retag(db, entries, old, new_name)
    return int(
        db.scalar(
            select(func.count()).where(EntryTag.user_id == user_id, EntryTag.name == new_name)
        )
        or 0
    )


def delete_tag(db: Session, user_id: uuid.UUID, name: str) -> None:
    """Remove a tag from every entry of the user (the entries stay)."""
    old = normalise_tag(name)
    _retag(db, _tagged(db, user_id, old), old, None)
