"""Export (JSON, or a zip of markdown files with front matter) and idempotent import."""

from __future__ import annotations

import io
import json
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from apps.api.app.db.base import utcnow
from apps.api.app.entries import dayone
from apps.api.app.entries.exceptions import InvalidImport
from apps.api.app.entries.models import Entry
from apps.api.app.entries.schemas import Body, IsoDate, Mood, Tags, Title
from apps.api.app.entries.service import check_has_content, set_tags
from apps.api.app.entries.words import count_words
from apps.api.app.errors import AppError

EXPORT_FORMAT = "journal-export"
EXPORT_VERSION = 1
MAX_IMPORT_ENTRIES = 20_000
MAX_ZIP_MEMBERS = 20_000  # every member counts: directories, photos, anything
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024  # refuses zip bombs
# One entry file: a 200,000-character body is at most 800 KB of UTF-8, plus front matter.
MAX_ZIP_MEMBER_BYTES = 1024 * 1024
# A Day One zip holds all its entries in one JSON file (photos are not read).
MAX_ZIP_JSON_BYTES = 32 * 1024 * 1024
_READ_CHUNK = 64 * 1024
# Only these inflate in bounded steps (zlib's max_length); bzip2 and lzma members would be
# decompressed a whole read at a time by zipfile, so they are refused like unknown methods.
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# Ids of imported entries that belong to someone else are re-derived from this namespace,
# so importing the same file twice still lands on the same ids (idempotent).
_IMPORT_NAMESPACE = uuid.UUID("6f0b7c2e-7d8a-4b43-9a43-5e2a8c1d9f10")
_BATCH = 200


class ImportedEntry(BaseModel):
    """One entry of an export file; the same rules as creating an entry."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID | None = None
    title: Title = ""
    body: Body = ""
    tags: Tags = []
    mood: Mood | None = None
    starred: bool = False
    entry_date: IsoDate
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Set by the Day One and jrnl readers only (dayone.py): how the entry is found again.
    import_key: str | None = Field(None, exclude=True)


class ImportResult(BaseModel):
    created: int = Field(description="Entries added")
    skipped: int = Field(description="Entries already present (same id): left unchanged")
    unsupported: int = Field(
        0, description="Items not imported: photos, videos, audio, PDFs (Day One)"
    )


# ---- export ---------------------------------------------------------------------------------


def _entry_dict(entry: Entry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "title": entry.title,
        "body": entry.body,
        "tags": entry.tags,
        "mood": entry.mood,
        "starred": entry.starred,
        "entry_date": entry.entry_date.isoformat(),
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


def _entries(factory: sessionmaker[Session], user_id: uuid.UUID) -> Iterator[Entry]:
    """Every entry of the user, oldest first, read in batches (bounded memory)."""
    with factory() as db:
        query = (
            select(Entry)
            .where(Entry.user_id == user_id)
            .order_by(Entry.entry_date, Entry.created_at, Entry.id)
            .execution_options(yield_per=_BATCH)
        )
        yield from db.scalars(query)


def export_json(factory: sessionmaker[Session], user_id: uuid.UUID) -> Iterator[bytes]:
    head = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": utcnow().isoformat()}
    yield json.dumps(head)[:-1].encode() + b', "entries": ['
    for index, entry in enumerate(_entries(factory, user_id)):
        yield (b"," if index else b"") + b"\n" + json.dumps(_entry_dict(entry)).encode()
    yield b"\n]}\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


# JSON leaves these raw with ensure_ascii=False, but YAML (and str.splitlines) break lines on
# them: escaped, every front-matter value stays on its own line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _front_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)


def markdown_file(entry: Entry) -> tuple[str, str]:
    """(file name, contents): front matter as JSON scalars (valid YAML), a blank line, then
    the body exactly as stored, then one newline."""
    data = _entry_dict(entry)
    front = "\n".join(
        f"{key}: {_front_value(data[key])}"
        for key in (
            "id",
            "title",
            "entry_date",
            "tags",
            "mood",
            "starred",
            "created_at",
            "updated_at",
        )
    )
    name = f"{entry.entry_date.isoformat()}-{_slug(entry.title) or 'entry'}-{entry.id.hex[:8]}.md"
    return name, f"---\n{front}\n---\n\n{entry.body}\n"


class _Chunks(io.RawIOBase):
    """A write-only stream zipfile writes into; the bytes are handed out as they come."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def export_markdown_zip(factory: sessionmaker[Session], user_id: uuid.UUID) -> Iterator[bytes]:
    sink = _Chunks()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in _entries(factory, user_id):
            name, text = markdown_file(entry)
            archive.writestr(name, text)
            yield sink.take()
    yield sink.take()


# ---- import ---------------------------------------------------------------------------------


# A "---" line; only "\n" ends a line here (never str.splitlines' other breaks, which may be
# inside values and bodies), with "\r\n" tolerated for hand-written files.
_FENCE = re.compile(r"^---[ \t]*(\r?\n|\Z)", re.MULTILINE)


def _parse_front_matter(text: str) -> dict[str, Any]:
    """The inverse of markdown_file, exact for its output; lenient with hand-written files
    (``date:`` for ``entry_date``, plain scalars, CRLF, no blank line before the body)."""
    opening = _FENCE.match(text)
    closing = _FENCE.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        raise ValueError("no front matter")
    data: dict[str, Any] = {}
    for line in text[opening.end() : closing.start()].split("\n"):
        key, sep, raw = line.partition(":")
        if not sep:
            continue
        raw = raw.strip(" \t\r")
        try:
            data[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            data[key.strip()] = raw  # hand-written YAML scalars: take the text
    if "date" in data and "entry_date" not in data:
        data["entry_date"] = data.pop("date")
    newline = closing.group(1) or "\n"
    body = text[closing.end() :].removeprefix(newline)  # the blank line after the fence
    data["body"] = body.removesuffix(newline)
    return data


def _member_error(name: str, msg: str) -> InvalidImport:
    return InvalidImport(f"{name}: {msg}", [{"loc": ["file", name], "msg": msg}])


def _too_many_members() -> InvalidImport:
    return InvalidImport(f"Too many files in the archive (at most {MAX_ZIP_MEMBERS})")


def _check_member_count(raw: bytes) -> None:
    """Count the central directory's records (every member) without building zipfile's
    ZipInfo objects, so that a huge directory is refused before zipfile parses it whole.
    Reads the same records, in the same place, as zipfile does."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(raw):
        raise InvalidImport("The file is not a valid zip archive")
    declared, size = struct.unpack_from("<HL", raw, end + 10)
    directory_end = end
    locator = end - 20
    if locator >= 56 and raw[locator : locator + 4] == b"PK\x06\x07":  # zip64
        directory_end = locator - 56
        if raw[directory_end : directory_end + 4] != b"PK\x06\x06":
            raise InvalidImport("The file is not a valid zip archive")
        declared, size = struct.unpack_from("<QQ", raw, directory_end + 32)
    if declared > MAX_ZIP_MEMBERS:
        raise _too_many_members()
    position, members = directory_end - size, 0
    if position < 0:
        raise InvalidImport("The file is not a valid zip archive")
    while position + 46 <= directory_end and raw[position : position + 4] == b"PK\x01\x02":
        name, extra, comment = struct.unpack_from("<3H", raw, position + 28)
        position += 46 + name + extra + comment
        members += 1
        if members > MAX_ZIP_MEMBERS:
            raise _too_many_members()


def _read_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int, cap: int = MAX_ZIP_MEMBER_BYTES
) -> bytes:
    """The member's bytes, read in chunks and counted as they are produced: reading stops
    at the per-file cap or the archive's remaining ``budget``, whatever the headers say."""
    name = member.filename
    if member.flag_bits & 0x1:
        raise _member_error(name, "the file is encrypted; export it again without a password")
    if member.compress_type not in _METHODS:
        raise _member_error(
            name, f"unsupported compression method {member.compress_type} (use deflate)"
        )
    parts: list[bytes] = []
    produced = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_READ_CHUNK):
                produced += len(chunk)
                if produced > cap:
                    raise _member_error(name, f"larger than {cap} bytes unpacked")
                if produced > budget:
                    raise InvalidImport("The archive is too large once unpacked")
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        # Bad CRC, a truncated or invalid deflate stream, a local header that disagrees.
        raise _member_error(name, "the file is corrupt in the archive") from None
    return b"".join(parts)


def _open_zip(raw: bytes) -> zipfile.ZipFile:
    _check_member_count(raw)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error, NotImplementedError):
        # ValueError: a member name flagged UTF-8 that is not; NotImplementedError: a zip
        # version zipfile does not read.
        raise InvalidImport("The file is not a valid zip archive") from None
    if len(archive.infolist()) > MAX_ZIP_MEMBERS:
        raise _too_many_members()
    return archive


def _read_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], cap: int
) -> Iterator[tuple[str, bytes]]:
    for member in members:  # declared sizes: a cheap early refusal (then counted for real)
        if member.file_size > cap:
            raise _member_error(member.filename, f"larger than {cap} bytes unpacked")
    if sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
        raise InvalidImport("The archive is too large once unpacked")
    budget = MAX_ZIP_UNCOMPRESSED
    for member in members:
        data = _read_member(archive, member, budget, cap)
        budget -= len(data)
        yield member.filename, data


def _read_markdown_zip(archive: zipfile.ZipFile) -> list[tuple[str, dict[str, Any]]]:
    members = [m for m in archive.infolist() if not m.is_dir() and m.filename.endswith(".md")]
    items = []
    for name, data in _read_members(archive, members, MAX_ZIP_MEMBER_BYTES):
        try:
            items.append((name, _parse_front_matter(data.decode("utf-8"))))
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            raise InvalidImport(
                f"{name}: not a markdown entry with front matter",
                [{"loc": ["file", name], "msg": "missing or malformed front matter"}],
            ) from None
    return items


def _json_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The journal files of a Day One zip (``Journal.json`` or any other ``*.json`` at its
    top level); empty for a Journal markdown zip."""
    files = [m for m in archive.infolist() if not m.is_dir()]
    if any(m.filename.endswith(".md") for m in files):
        return []
    return [m for m in files if m.filename.lower().endswith(".json") and "/" not in m.filename]


def _load_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:  # not JSON, not UTF-8, or an integer too long to convert
        raise InvalidImport(
            "The file is neither a Journal, Day One or jrnl export nor a markdown zip"
        ) from None
    except RecursionError:
        raise InvalidImport("The JSON is nested too deeply") from None


def _journal_items(document: Any) -> list[tuple[str, dict[str, Any]]]:
    entries = document.get("entries") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidImport('The JSON must hold an "entries" list of objects')
    return [(f"entries[{index}]", item) for index, item in enumerate(entries)]


def _check_count(count: int) -> None:
    if count > MAX_IMPORT_ENTRIES:
        raise InvalidImport(f"Too many entries (at most {MAX_IMPORT_ENTRIES} per import)")


def _read(raw: bytes) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]], int]:
    """(items, conversion errors, unsupported count) of any accepted file, by content."""
    if raw.startswith(b"PK\x03\x04"):
        archive = _open_zip(raw)
        journals = _json_members(archive)
        if not journals:
            return _read_markdown_zip(archive), [], 0
        items: list[tuple[str, dict[str, Any]]] = []
        errors: list[dict[str, Any]] = []
        unsupported = 0
        for name, data in _read_members(archive, journals, MAX_ZIP_JSON_BYTES):
            document = _load_json(data)
            if dayone.kind(document) != "dayone":
                raise _member_error(name, "not a Day One journal export")
            _check_count(len(items) + len(document["entries"]))
            more, wrong, dropped = dayone.convert(document, "dayone", name)
            items, errors, unsupported = items + more, errors + wrong, unsupported + dropped
        return items, errors, unsupported
    document = _load_json(raw)
    source = dayone.kind(document)
    if source is None:
        return _journal_items(document), [], 0
    _check_count(len(document["entries"]))
    return dayone.convert(document, source)


def parse_import(raw: bytes) -> list[ImportedEntry]:
    return read_import(raw)[0]


def read_import(raw: bytes) -> tuple[list[ImportedEntry], int]:
    """Validate a whole file (all-or-nothing): every problem is reported with its place.
    Returns the entries and how many items of the file cannot be imported (photos…)."""
    items, errors, unsupported = _read(raw)
    _check_count(len(items))
    parsed: list[ImportedEntry] = []
    for where, item in items:
        try:
            entry = ImportedEntry.model_validate(item)
            check_has_content(entry.title, entry.body)
            parsed.append(entry)
        except ValidationError as exc:
            errors += [
                {"loc": ["file", where, *err["loc"]], "msg": err["msg"]} for err in exc.errors()
            ]
        except AppError as exc:
            errors.append({"loc": ["file", where], "msg": exc.detail})
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"][1:])
        raise InvalidImport(f"Invalid entry at {where}: {first['msg']}", errors)
    return parsed, unsupported


def _utc(moment: datetime) -> datetime:
    # A timestamp without a zone is taken as UTC, as Journal writes them.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def import_entries(
    db: Session,
    user_id: uuid.UUID,
    entries: list[ImportedEntry],
    *,
    unsupported: int = 0,
    now: Callable[[], datetime] = utcnow,
) -> ImportResult:
    """Add the entries this user does not have yet; the same file twice changes nothing."""
    wanted: dict[uuid.UUID, ImportedEntry] = {}
    for item in entries:
        if item.import_key is not None:
            # Another app's entry: an id of this user's own, derived from its import key.
            original = uuid.uuid5(_IMPORT_NAMESPACE, f"{user_id}|{item.import_key}")
        else:
            original = item.id or uuid.uuid5(
                _IMPORT_NAMESPACE, f"{item.entry_date}|{item.title}|{item.body}"
            )
        wanted.setdefault(original, item)
    taken = {
        row_id: owner
        for row_id, owner in db.execute(
            select(Entry.id, Entry.user_id).where(Entry.id.in_(list(wanted)))
        )
    }
    created = skipped = 0
    for original, item in wanted.items():
        target = original
        if taken.get(original, user_id) != user_id:
            # Someone else's id (an export shared between accounts): a stable id of our own.
            target = uuid.uuid5(_IMPORT_NAMESPACE, f"{user_id}|{original}")
            if db.get(Entry, target) is not None:
                skipped += 1
                continue
        elif original in taken:
            skipped += 1
            continue
        stamp = now()
        entry = Entry(
            id=target,
            user_id=user_id,
            title=item.title,
            body=item.body,
            mood=item.mood,
            starred=item.starred,
            word_count=count_words(item.title, item.body),
            import_key=item.import_key,
            entry_date=item.entry_date,
            created_at=_utc(item.created_at or stamp),
            updated_at=_utc(item.updated_at or stamp),
        )
        set_tags(entry, item.tags)
        db.add(entry)
        created += 1
    db.commit()
    return ImportResult(created=created, skipped=skipped, unsupported=unsupported)
