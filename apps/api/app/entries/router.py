"""/api/entries and /api/tags. Routers stay thin: validate, call the service, shape."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Header, Query, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from apps.api.app.auth import events as auth_events
from apps.api.app.auth.dependencies import CsrfProtected, CurrentUser, SettingsDep
from apps.api.app.db.base import utcnow
from apps.api.app.db.reader import ReaderDep
from apps.api.app.db.session import DbSession
from apps.api.app.entries import queries, service, transfer, views
from apps.api.app.entries.filters import Filters
from apps.api.app.entries.models import Entry
from apps.api.app.entries.schemas import (
    CalendarOut,
    EntryCreate,
    EntryOut,
    EntryPage,
    EntryPatch,
    EntryReplace,
    IsoDate,
    ListQuery,
    Month,
    OnThisDayOut,
    StatsOut,
    TagCount,
    TagRename,
)
from apps.api.app.http import client_ip
from apps.api.app.timezones import today_in

router = APIRouter(prefix="/api/entries", tags=["entries"])
tags_router = APIRouter(prefix="/api/tags", tags=["entries"])
stats_router = APIRouter(prefix="/api/stats", tags=["entries"])


def valid_owned_entry(entry_id: str, user: CurrentUser, db: DbSession) -> Entry:
    return service.get_owned_entry(db, user.id, entry_id)


OwnedEntry = Annotated[Entry, Depends(valid_owned_entry)]
IfMatch = Annotated[str | None, Header(description="ETag from GET; stale → 412")]


def _with_etag(response: Response, entry: Entry) -> EntryOut:
    response.headers["ETag"] = service.etag(entry.id, entry.version)
    return EntryOut.model_validate(entry)


@router.get("", response_model=EntryPage)
async def list_entries(
    user: CurrentUser, reader: ReaderDep, query: Annotated[ListQuery, Query()]
) -> EntryPage:
    filters = Filters(
        q=query.q,
        tag=query.tag,
        date_from=query.date_from,
        date_to=query.date_to,
        starred=query.starred,
        mood=query.mood,
    )
    rows, next_cursor = await queries.list_entries(
        reader, user.id, limit=query.limit, cursor=query.cursor, filters=filters
    )
    return EntryPage.model_validate({"items": rows, "next_cursor": next_cursor})


@router.post(
    "", response_model=EntryOut, status_code=status.HTTP_201_CREATED, dependencies=[CsrfProtected]
)
def create_entry(
    data: EntryCreate, user: CurrentUser, db: DbSession, response: Response
) -> EntryOut:
    entry = service.create_entry(db, user.id, data.model_dump())
    response.headers["Location"] = f"/api/entries/{entry.id}"
    return _with_etag(response, entry)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {}, "application/zip": {}}}},
)
def export_entries(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    format: Annotated[Literal["json", "markdown"], Query()] = "json",
) -> StreamingResponse:
    """Everything, streamed: one JSON document, or a zip of markdown files. The export is
    recorded in the account's activity log."""
    auth_events.record_export(
        db,
        user.id,
        format,
        ip=client_ip(request, settings),
        user_agent=request.headers.get("user-agent"),
    )
    factory = request.app.state.sessionmaker
    stamp = utcnow().strftime("%Y-%m-%d")
    if format == "markdown":
        body, media, name = transfer.export_markdown_zip(factory, user.id), "application/zip", "zip"
    else:
        body, media, name = transfer.export_json(factory, user.id), "application/json", "json"
    return StreamingResponse(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="journal-{stamp}.{name}"'},
    )


@router.post("/import", response_model=transfer.ImportResult, dependencies=[CsrfProtected])
def import_entries(
    file: Annotated[
        UploadFile,
        File(
            description="A Journal JSON or markdown zip export, a Day One export (its zip or "
            "Journal.json) or a jrnl JSON export; detected by content"
        ),
    ],
    user: CurrentUser,
    db: DbSession,
) -> transfer.ImportResult:
    """Add the entries of an export file. Idempotent: entries already here are skipped."""
    entries, unsupported = transfer.read_import(file.file.read())
    return transfer.import_entries(db, user.id, entries, unsupported=unsupported)


# Declared before "/{entry_id}", which would otherwise take these names as ids.
@router.get("/calendar", response_model=CalendarOut)
async def calendar(
    user: CurrentUser,
    reader: ReaderDep,
    month: Annotated[
        Month | None, Query(description="YYYY-MM; defaults to this month (profile time zone)")
    ] = None,
) -> CalendarOut:
    first = month or today_in(user.timezone).replace(day=1)
    days = await views.calendar(reader, user.id, first)
    return CalendarOut.model_validate({"month": first.strftime("%Y-%m"), "days": days})


@router.get("/on-this-day", response_model=OnThisDayOut)
async def on_this_day(
    user: CurrentUser,
    reader: ReaderDep,
    date: Annotated[
        IsoDate | None, Query(description="YYYY-MM-DD; defaults to today (profile time zone)")
    ] = None,
) -> OnThisDayOut:
    """Entries of the same month and day in earlier years, newest first (at most 100); on
    29 February only earlier 29 Februaries."""
    day = date or today_in(user.timezone)
    return OnThisDayOut.model_validate({"items": await queries.on_this_day(reader, user.id, day)})


@router.get("/{entry_id}", response_model=EntryOut)
async def get_entry(
    entry_id: str, user: CurrentUser, reader: ReaderDep, response: Response
) -> EntryOut:
    entry = await queries.get_entry(reader, user.id, entry_id)
    response.headers["ETag"] = service.etag(entry["id"], entry["version"])
    return EntryOut.model_validate(entry)


@router.put("/{entry_id}", response_model=EntryOut, dependencies=[CsrfProtected])
def replace_entry(
    data: EntryReplace,
    entry: OwnedEntry,
    db: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> EntryOut:
    service.check_if_match(entry, if_match)
    entry = service.update_entry(db, entry, data.model_dump())
    return _with_etag(response, entry)


@router.patch("/{entry_id}", response_model=EntryOut, dependencies=[CsrfProtected])
def patch_entry(
    data: EntryPatch,
    entry: OwnedEntry,
    db: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> EntryOut:
    service.check_if_match(entry, if_match)
    changes = data.model_dump(exclude_unset=True)
    service.check_has_content(changes.get("title", entry.title), changes.get("body", entry.body))
    entry = service.update_entry(db, entry, changes)
    return _with_etag(response, entry)


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected])
def delete_entry(entry: OwnedEntry, db: DbSession) -> Response:
    service.delete_entry(db, entry)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@tags_router.get("", response_model=list[TagCount])
async def list_tags(user: CurrentUser, reader: ReaderDep) -> list[TagCount]:
    counts = await queries.tag_counts(reader, user.id)
    return [TagCount(name=name, count=count) for name, count in counts]


@tags_router.patch("/{name:path}", response_model=TagCount, dependencies=[CsrfProtected])
def rename_tag(name: str, data: TagRename, user: CurrentUser, db: DbSession) -> TagCount:
    """Rename a tag on every entry of yours; into an existing tag, the two merge."""
    count = service.rename_tag(db, user.id, name, data.name)
    return TagCount(name=data.name, count=count)


@tags_router.delete(
    "/{name:path}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[CsrfProtected]
)
def delete_tag(name: str, user: CurrentUser, db: DbSession) -> Response:
    """Remove a tag from every entry of yours (the entries stay)."""
    service.delete_tag(db, user.id, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@stats_router.get("", response_model=StatsOut)
async def stats(user: CurrentUser, reader: ReaderDep) -> StatsOut:
    return StatsOut.model_validate(await views.stats(reader, user.id, today_in(user.timezone)))
