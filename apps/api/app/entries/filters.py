"""The listing filters a client may combine (``q``, ``tag``, ``from``, ``to``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Filters:
    q: str | None = None
    tag: str | None = None
    date_from: date | None = None
    date_to: date | None = None
