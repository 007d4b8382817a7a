"""docs/security.md stays honest: every ASVS row is ``done`` or ``not met``; a ``done`` row
names at least one test, and every test a row names exists in the repository (a Python
``def`` in that file, or a web test with that title)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apps.api.tests.conftest import REPO

DOC = REPO / "docs" / "security.md"
STATUSES = {"done", "not met"}
CHAPTERS = ("2", "3", "4", "5", "13")
_REQUIREMENT = re.compile(r"^(\d+)\.\d+\.(\d+|x)$")
_REFERENCE = re.compile(r"`([^`\s]+\.(?:py|ts|tsx))::([^`]+)`")


@dataclass(frozen=True)
class Row:
    requirement: str
    status: str
    evidence: str


def asvs_rows(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and _REQUIREMENT.match(cells[0]):
            rows.append(Row(cells[0], cells[2], " | ".join(cells[3:])))
    return rows


def defines_test(path: str, name: str) -> bool:
    """Whether ``path`` (repo-relative) defines the test ``name``."""
    file = REPO / path
    if not file.is_file():
        return False
    source = file.read_text(encoding="utf-8")
    if file.suffix == ".py":
        pattern = rf"^\s*(?:async\s+)?def {re.escape(name)}\("
    else:
        pattern = rf"\b(?:it|test)\(\s*['\"`]{re.escape(name)}['\"`]"
    return re.search(pattern, source, re.MULTILINE) is not None


def test_every_asvs_row_is_done_with_an_existing_test_or_not_met_with_a_reason() -> None:
    rows = asvs_rows(DOC.read_text(encoding="utf-8"))
    assert len(rows) >= 30, "the ASVS table is missing or was not parsed"
    chapters = {_REQUIREMENT.match(row.requirement).group(1) for row in rows}  # type: ignore[union-attr]
    assert set(CHAPTERS) <= chapters, f"chapters without a row: {set(CHAPTERS) - chapters}"

    problems = []
    for row in rows:
        if row.status not in STATUSES:
            problems.append(f"{row.requirement}: status {row.status!r} is not one of {STATUSES}")
            continue
        references = _REFERENCE.findall(row.evidence)
        if row.status == "done" and not references:
            problems.append(f"{row.requirement}: marked done without naming a test")
        if row.status == "not met" and len(row.evidence) < 20:
            problems.append(f"{row.requirement}: not met without saying why")
        for path, name in references:
            if not defines_test(path, name):
                problems.append(f"{row.requirement}: {path}::{name} does not exist")
    assert not problems, "\n".join(problems)


def test_every_test_the_page_names_anywhere_exists() -> None:
    references = _REFERENCE.findall(DOC.read_text(encoding="utf-8"))
    assert references
    missing = [f"{path}::{name}" for path, name in references if not defines_test(path, name)]
    assert not missing, missing


def test_the_checker_catches_a_made_up_test_name() -> None:
    assert defines_test(
        "apps/api/tests/test_security_doc.py",
        "test_every_asvs_row_is_done_with_an_existing_test_or_not_met_with_a_reason",
    )
    assert not defines_test("apps/api/tests/test_security_doc.py", "test_that_was_never_written")
    assert not defines_test("apps/api/tests/no_such_file.py", "test_anything")
    rows = asvs_rows(
        "| 4.1.1 | enforced | done | `apps/api/tests/test_security_doc.py::test_imaginary` |\n"
        "| 2.1.1 | length | not met | the minimum is 8 by product choice |\n"
    )
    assert [(r.requirement, r.status) for r in rows] == [("4.1.1", "done"), ("2.1.1", "not met")]
    ((path, name),) = _REFERENCE.findall(rows[0].evidence)
    assert not defines_test(path, name)
