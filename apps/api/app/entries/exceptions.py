"""Every error the entries domain raises: one class per code (subclasses change only the
wording or where the ``errors`` point)."""

from __future__ import annotations

from typing import Any

from apps.api.app.errors import AppError


class EntriesInvalid(AppError):
    """A rule that no single field states is broken: 422 with the ``errors`` list, as every
    validation failure answers."""

    status_code = 422
    code = "validation_error"

    def __init__(self, detail: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.extra = {"errors": errors}


class EntryInvalid(EntriesInvalid):
    """A rule on a whole entry (e.g. it needs a title or a body)."""

    def __init__(self, detail: str, loc: list[str]) -> None:
        super().__init__(detail, [{"loc": loc, "msg": detail}])


class InvalidImport(EntriesInvalid):
    """An import file that cannot be read whole: nothing of it is imported."""

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail, errors or [{"loc": ["file"], "msg": detail}])


class VersionConflict(AppError):
    status_code = 412
    code = "version_conflict"

    def __init__(self) -> None:
        super().__init__("The entry changed since you loaded it; reload and try again")


class InvalidCursor(AppError):
    status_code = 400
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__("The cursor is malformed or from another listing")
