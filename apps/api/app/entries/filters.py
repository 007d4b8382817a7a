"""The listing filters a client may combine (``q``, ``tag``, ``from``, ``to``, ``starred``,
``mood``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Filters:
    q: str | None = None
    tag: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    starred: bool | None = None
    mood: int | None = None

    @property
    def narrows(self) -> bool:
        """Whether anything besides ``q`` restricts the listing."""
        return bool(self.tag or self.date_from or self.date_to) or (
            self.starred is not None or self.mood is not None
        )
