"""IANA time zone names: validation at the edge and "today" where the user lives."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

DEFAULT_TIMEZONE = "UTC"


@functools.cache
def _known() -> frozenset[str]:
    # The names the tz database lists: ZoneInfo() alone would also open files such as
    # "posixrules" or "localtime", and read paths a client makes up.
    return frozenset(zoneinfo.available_timezones()) | {DEFAULT_TIMEZONE}


def check_timezone(name: str) -> str:
    if name not in _known():
        raise ValueError("must be an IANA time zone name such as Europe/Paris")
    return name


TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(check_timezone)]


def zone(name: str | None) -> tzinfo:
    """The zone of a stored name; UTC for anything unknown (a name dropped from tzdata)."""
    if name and name in _known():
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def today_in(name: str | None, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone(name)).date()
