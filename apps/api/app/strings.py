"""String types shared by every schema and query parameter.

PostgreSQL text cannot hold a NUL character (SQLite can): one refused at the edge gives
the same 422 ``validation_error`` on both databases instead of a 500 on one of them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


# Add to any Annotated[str, ...]: ``Annotated[str, StringConstraints(...), NoNul]``.
NoNul = AfterValidator(reject_nul)
# A plain string without NUL, for fields and query parameters.
NulFreeStr = Annotated[str, NoNul]
