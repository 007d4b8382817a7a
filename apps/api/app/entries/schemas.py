from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from apps.api.app.strings import NoNul, NulFreeStr

MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 200_000


def _normalise_tags(tags: list[str]) -> list[str]:
    """Trim, lower-case and de-duplicate (first occurrence wins, order kept)."""
    seen: dict[str, None] = {}
    for tag in tags:
        name = tag.strip().lower()
        if not name:
            raise ValueError("tags must not be empty")
        if len(name) > MAX_TAG_LENGTH:
            raise ValueError(f"a tag is at most {MAX_TAG_LENGTH} characters")
        seen.setdefault(name, None)
    return list(seen)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: object) -> object:
    """Dates arrive as ISO strings (YYYY-MM-DD): pydantic's lax mode would also take a
    number as a Unix time (``5.6e-189`` → 1970-01-01)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def _first_of_month(value: object) -> date:
    """``YYYY-MM`` → the first day of that month."""
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if match is None or not (int(match[1]) >= 1 and 1 <= int(match[2]) <= 12):
        raise ValueError("must be a month written YYYY-MM")
    return date(int(match[1]), int(match[2]), 1)


Month = Annotated[date, BeforeValidator(_first_of_month)]
Tags = Annotated[list[NulFreeStr], Field(max_length=MAX_TAGS), AfterValidator(_normalise_tags)]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE_LENGTH, strip_whitespace=True), NoNul]
Body = Annotated[str, StringConstraints(max_length=MAX_BODY_LENGTH), NoNul]
Mood = Annotated[int, Field(ge=1, le=5, description="1 (awful) to 5 (great)")]


class _HasContent(BaseModel):
    @model_validator(mode="after")
    def _title_or_body(self) -> _HasContent:
        title = getattr(self, "title", None)
        body = getattr(self, "body", None)
        if title is not None and body is not None and not title and not body.strip():
            raise ValueError("an entry needs a title or a body")
        return self


class EntryCreate(_HasContent):
    model_config = ConfigDict(extra="forbid")

    title: Title = ""
    body: Body = ""
    tags: Tags = []
    mood: Mood | None = None
    starred: bool = False
    entry_date: IsoDate | None = Field(None, description="Defaults to today (UTC)")


class EntryReplace(_HasContent):
    """PUT: every editable field is given and replaced."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Body
    tags: Tags
    mood: Mood | None
    starred: bool = Field(False, description="Replaced too: omitted means not starred")
    entry_date: IsoDate


class EntryPatch(_HasContent):
    """PATCH: only the fields present are changed (``mood: null`` clears it)."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Body | None = None
    tags: Tags | None = None
    mood: Mood | None = None
    starred: bool | None = None
    entry_date: IsoDate | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> EntryPatch:
        for name in ("title", "body", "tags", "starred", "entry_date"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    body: str
    tags: list[str]
    mood: int | None
    starred: bool
    entry_date: date
    created_at: datetime
    updated_at: datetime


class Snippet(BaseModel):
    """A passage of the title or body around the matched words: plain text (never HTML)
    and the matched words' places in it, as [start, end) offsets in code points (Python
    string indices; JavaScript strings count UTF-16 units, which differ only outside the
    Basic Multilingual Plane)."""

    text: str
    marks: list[tuple[int, int]]


class EntryListItem(EntryOut):
    snippet: Snippet | None = Field(
        None, description="Only with `q`: where the entry matches (title or body)"
    )


class EntryPage(BaseModel):
    items: list[EntryListItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


class TagCount(BaseModel):
    name: str
    count: int


def _one_tag(value: str) -> str:
    (name,) = _normalise_tags([value])
    return name


class TagRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, NoNul, AfterValidator(_one_tag)] = Field(
        description="The new name (trimmed, lower-cased); an existing tag is merged into"
    )


class CalendarDay(BaseModel):
    date: date
    count: int
    mood: float | None = Field(description="Average mood of the day's entries; null if none")


class CalendarOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    days: list[CalendarDay] = Field(description="Only the days that hold entries, in order")


class OnThisDayOut(BaseModel):
    items: list[EntryOut]


class MoodMonth(BaseModel):
    month: str = Field(description="YYYY-MM")
    average: float
    count: int = Field(description="Entries of the month with a mood")


class StatsOut(BaseModel):
    entries: int
    words: int = Field(
        description="Words of titles and bodies: runs of non-space characters that hold a "
        "letter or a digit"
    )
    current_streak: int = Field(
        description="Consecutive days with an entry ending today or yesterday (profile time zone)"
    )
    longest_streak: int
    first_entry_date: date | None
    moods: list[MoodMonth] = Field(description="Per month with moods, oldest first")
    top_tags: list[TagCount] = Field(description="The ten most used tags")


class ListQuery(BaseModel):
    """The query of ``GET /api/entries``, validated as one model: FastAPI then reads the
    query string once, not once per parameter (a fifth of the route's time)."""

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=512)
    q: NulFreeStr | None = Field(
        None, max_length=200, description="Full-text search; best match first"
    )
    tag: NulFreeStr | None = Field(None, max_length=50)
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    starred: bool | None = Field(None, description="Only starred (true) or not")
    mood: int | None = Field(None, ge=1, le=5)
