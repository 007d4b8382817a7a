"""Journal views: starred and mood filters, the profile's time zone, calendar,
on-this-day and statistics. Dates are the writer's calendar dates (``entry_date``)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from apps.api.app import migrate
from apps.api.app.entries.models import Entry
from apps.api.app.entries.views import streaks
from apps.api.tests.entries.helpers import create_entry
from apps.api.tests.test_migrations import _private_engine


def _create(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    return create_entry(client, headers, **{"body": "words", **fields})


def _list(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/entries", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


# ---- starred and mood ------------------------------------------------------------------


def test_starred_is_false_by_default_and_set_by_create_patch_and_put(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    plain = _create(client, auth_headers, title="plain")
    assert plain["starred"] is False
    starred = _create(client, auth_headers, title="star", starred=True)
    assert starred["starred"] is True
    url = f"/api/entries/{plain['id']}"
    patched = client.patch(url, json={"starred": True}, headers=auth_headers)
    assert patched.json()["starred"] is True
    assert client.get(url, headers=auth_headers).json()["starred"] is True
    assert client.patch(url, json={"starred": None}, headers=auth_headers).status_code == 422
    replaced = client.put(
        url,
        json={"title": "p", "body": "", "tags": [], "mood": None, "entry_date": "2024-01-01"},
        headers=auth_headers,
    )
    assert replaced.json()["starred"] is False  # PUT replaces: omitted means not starred


def test_starred_and_mood_filters_combine_and_page_with_cursors(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for day in range(1, 8):
        _create(
            client,
            auth_headers,
            title=f"day {day}",
            entry_date=f"2024-03-0{day}",
            starred=day % 2 == 1,
            mood=3 if day <= 4 else 5,
        )
    titles = [e["title"] for e in _list(client, auth_headers, starred="true")]
    assert titles == ["day 7", "day 5", "day 3", "day 1"]
    titles = [e["title"] for e in _list(client, auth_headers, starred="false")]
    assert titles == ["day 6", "day 4", "day 2"]
    assert [e["title"] for e in _list(client, auth_headers, mood=5, starred="true")] == [
        "day 7",
        "day 5",
    ]
    # Paged one at a time, the cursor keeps the filter's rows only, in order.
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"starred": "true", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/entries", params=params, headers=auth_headers).json()
        seen += [e["title"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["day 7", "day 5", "day 3", "day 1"]


@pytest.mark.parametrize("params", [{"mood": 0}, {"mood": 6}, {"mood": "x"}, {"starred": "maybe"}])
def test_bad_filters_are_422(
    client: TestClient, auth_headers: dict[str, str], params: dict[str, Any]
) -> None:
    response = client.get("/api/entries", params=params, headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# ---- the profile's time zone -----------------------------------------------------------


def test_timezone_defaults_to_utc_and_is_set_by_patch_me(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.get("/api/auth/me", headers=auth_headers).json()["timezone"] == "UTC"
    answer = client.patch(
        "/api/auth/me", json={"timezone": "Pacific/Auckland"}, headers=auth_headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["timezone"] == "Pacific/Auckland"
    assert client.get("/api/auth/me", headers=auth_headers).json()["timezone"] == (
        "Pacific/Auckland"
    )


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "../../etc/passwd", "posixrules", "", "Europe/Paris\x00", 5, "x" * 100]
)
def test_an_unknown_timezone_is_422(
    client: TestClient, auth_headers: dict[str, str], name: object
) -> None:
    answer = client.patch("/api/auth/me", json={"timezone": name}, headers=auth_headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation_error"
    assert client.get("/api/auth/me", headers=auth_headers).json()["timezone"] == "UTC"


# ---- calendar --------------------------------------------------------------------------


def test_calendar_of_an_empty_month_has_no_days(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, entry_date="2024-01-31")
    _create(client, auth_headers, entry_date="2024-03-01")
    answer = client.get("/api/entries/calendar", params={"month": "2024-02"}, headers=auth_headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"month": "2024-02", "days": []}


def test_calendar_counts_entries_per_day_with_their_average_mood(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, entry_date="2024-02-01", mood=1)
    _create(client, auth_headers, entry_date="2024-02-01", mood=2)
    _create(client, auth_headers, entry_date="2024-02-01", mood=2)
    _create(client, auth_headers, entry_date="2024-02-01")  # no mood: not averaged
    _create(client, auth_headers, entry_date="2024-02-29")
    _create(client, auth_headers, entry_date="2024-03-01", mood=5)
    answer = client.get("/api/entries/calendar", params={"month": "2024-02"}, headers=auth_headers)
    assert answer.json() == {
        "month": "2024-02",
        "days": [
            {"date": "2024-02-01", "count": 4, "mood": 1.67},
            {"date": "2024-02-29", "count": 1, "mood": None},
        ],
    }


def test_calendar_defaults_to_this_month_and_ignores_other_users(
    client: TestClient, client_factory: Any, make_user: Any, auth_headers: dict[str, str]
) -> None:
    from apps.api.tests.conftest import login

    other = client_factory()
    bob = login(other, make_user().email)
    today = date.today()
    _create(other, bob, entry_date=today.isoformat())
    answer = client.get("/api/entries/calendar", headers=auth_headers).json()
    assert answer["month"] in {
        (today - timedelta(days=1)).strftime("%Y-%m"),
        today.strftime("%Y-%m"),
        (today + timedelta(days=1)).strftime("%Y-%m"),
    }
    assert answer["days"] == []


@pytest.mark.parametrize(
    "month", ["2024-13", "2024-00", "0000-01", "2024-1", "24-01", "2024-01-01", "x", "2024-0\u0661"]
)
def test_calendar_refuses_a_bad_month_with_422(
    client: TestClient, auth_headers: dict[str, str], month: str
) -> None:
    answer = client.get("/api/entries/calendar", params={"month": month}, headers=auth_headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation_error"


# ---- on this day -----------------------------------------------------------------------


def test_on_this_day_lists_earlier_years_newest_first(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for day in ("2019-06-15", "2021-06-15", "2023-06-15", "2023-06-14", "2024-06-15"):
        _create(client, auth_headers, title=day, entry_date=day)
    answer = client.get(
        "/api/entries/on-this-day", params={"date": "2024-06-15"}, headers=auth_headers
    )
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [e["title"] for e in items] == ["2023-06-15", "2021-06-15", "2019-06-15"]
    assert set(items[0]) >= {"id", "title", "body", "tags", "mood", "starred", "entry_date"}


def test_on_this_day_on_29_february_shows_only_earlier_29_februaries(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for day in ("2020-02-29", "2016-02-29", "2023-02-28", "2023-03-01", "2021-02-28"):
        _create(client, auth_headers, title=day, entry_date=day)
    leap = client.get(
        "/api/entries/on-this-day", params={"date": "2024-02-29"}, headers=auth_headers
    ).json()
    assert [e["title"] for e in leap["items"]] == ["2020-02-29", "2016-02-29"]
    # And a 29 February entry does not appear on 28 February of a later common year.
    common = client.get(
        "/api/entries/on-this-day", params={"date": "2025-02-28"}, headers=auth_headers
    ).json()
    assert [e["title"] for e in common["items"]] == ["2023-02-28", "2021-02-28"]


def test_on_this_day_defaults_to_today_in_the_profile_time_zone(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    client.patch("/api/auth/me", json={"timezone": "Pacific/Kiritimati"}, headers=auth_headers)
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    _create(client, auth_headers, title="a year ago", entry_date=_years_before(today, 1))
    items = client.get("/api/entries/on-this-day", headers=auth_headers).json()["items"]
    expected = ["a year ago"] if not (today.month == 2 and today.day == 29) else []
    assert [e["title"] for e in items] == expected


@pytest.mark.parametrize("day", ["2024-02-30", "2024-2-1", "tomorrow", "1719000000"])
def test_on_this_day_refuses_a_bad_date_with_422(
    client: TestClient, auth_headers: dict[str, str], day: str
) -> None:
    answer = client.get("/api/entries/on-this-day", params={"date": day}, headers=auth_headers)
    assert answer.status_code == 422


def _years_before(day: date, years: int) -> str:
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28).isoformat()


# ---- statistics ------------------------------------------------------------------------


def test_streaks_count_consecutive_days_ending_today_or_yesterday() -> None:
    today = date(2024, 3, 10)
    days = [date(2024, 3, d) for d in (1, 2, 3, 4, 7, 8, 9)]
    assert streaks(days, today) == (3, 4)  # ends yesterday: still current
    assert streaks([*days, today], today) == (4, 4)
    assert streaks(days, date(2024, 3, 11)) == (0, 4)  # a day missed: broken
    assert streaks([], today) == (0, 0)
    assert streaks([date(2024, 3, 11), date(2024, 3, 12)], today) == (0, 2)  # dated ahead


def test_current_streak_follows_the_profile_time_zone(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    # Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same calendar day.
    east = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    for back in (0, 1):
        _create(client, auth_headers, entry_date=(east - timedelta(days=back)).isoformat())

    def current(zone: str) -> int:
        client.patch("/api/auth/me", json={"timezone": zone}, headers=auth_headers)
        answer = client.get("/api/stats", headers=auth_headers)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["current_streak"])

    west = datetime.now(ZoneInfo("Pacific/Pago_Pago")).date()
    assert current("Pacific/Kiritimati") == 2
    # In Pago Pago, the newest entry is dated tomorrow (not counted) or later.
    assert current("Pacific/Pago_Pago") == (1 if west == east - timedelta(days=1) else 0)


def test_stats_sum_entries_words_moods_and_tags(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(
        client,
        auth_headers,
        title="Café day",
        body="# Hello wörld - it's 3 pm",
        mood=4,
        tags=["a", "b"],
        entry_date="2024-01-05",
    )
    _create(
        client, auth_headers, title="", body="one two", mood=1, tags=["a"], entry_date="2024-01-06"
    )
    _create(client, auth_headers, body="three", tags=["c"], entry_date="2024-01-07")
    _create(client, auth_headers, body="four", mood=5, entry_date="2024-03-01")
    entry = _create(client, auth_headers, body="x y z", entry_date="2023-12-31")
    client.patch(f"/api/entries/{entry['id']}", json={"body": "five six"}, headers=auth_headers)
    answer = client.get("/api/stats", headers=auth_headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "entries": 5,
        # "Café day" 2 + "Hello wörld it's 3 pm" 5 ("#" and "-" are not words) + 2 + 1 + 1 + 2
        "words": 13,
        "current_streak": 0,
        "longest_streak": 3,
        "first_entry_date": "2023-12-31",
        "moods": [
            {"month": "2024-01", "average": 2.5, "count": 2},
            {"month": "2024-03", "average": 5.0, "count": 1},
        ],
        "top_tags": [
            {"name": "a", "count": 2},
            {"name": "b", "count": 1},
            {"name": "c", "count": 1},
        ],
    }


def test_stats_of_an_empty_journal(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get("/api/stats", headers=auth_headers).json() == {
        "entries": 0,
        "words": 0,
        "current_streak": 0,
        "longest_streak": 0,
        "first_entry_date": None,
        "moods": [],
        "top_tags": [],
    }


@pytest.mark.parametrize(("fmt", "name"), [("json", "e.json"), ("markdown", "e.zip")])
def test_starred_survives_export_and_import_into_another_account(
    client: TestClient,
    client_factory: Any,
    make_user: Any,
    auth_headers: dict[str, str],
    fmt: str,
    name: str,
) -> None:
    from apps.api.tests.conftest import login

    _create(client, auth_headers, title="starred one", starred=True)
    _create(client, auth_headers, title="plain one")
    export = client.get("/api/entries/export", params={"format": fmt}, headers=auth_headers)
    other = client_factory()
    bob = login(other, make_user().email)
    answer = other.post("/api/entries/import", files={"file": (name, export.content)}, headers=bob)
    assert answer.json() == {"created": 2, "skipped": 0, "unsupported": 0}
    assert {e["title"]: e["starred"] for e in _list(other, bob)} == {
        "starred one": True,
        "plain one": False,
    }


def test_migration_0010_backfills_word_counts_and_keeps_search(
    database_url: str, tmp_path: Path
) -> None:
    user, entry = uuid.uuid4(), uuid.uuid4()

    def stored(engine: Engine, value: uuid.UUID) -> object:
        return value.hex if engine.dialect.name == "sqlite" else value

    with _private_engine(database_url, tmp_path) as fresh:
        migrate.upgrade(fresh, "0006")
        with fresh.begin() as conn:
            now = datetime.now(UTC)
            conn.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, display_name, is_admin, "
                    "is_active, created_at, updated_at) "
                    "VALUES (:id, 'w@example.com', 'x', '', false, true, :now, :now)"
                ),
                {"id": stored(fresh, user), "now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO entries (id, user_id, title, body, entry_date, created_at, "
                    "updated_at, version) VALUES (:id, :user, 'Café day', "
                    "'# Hello - wörld, it''s 3 pm', :day, :now, :now, 1)"
                ),
                {
                    "id": stored(fresh, entry),
                    "user": stored(fresh, user),
                    "day": now.date(),
                    "now": now,
                },
            )
        migrate.upgrade(fresh)
        with fresh.connect() as conn:
            row = conn.execute(
                select(Entry.word_count, Entry.starred, Entry.import_key).where(Entry.id == entry)
            ).one()
            assert tuple(row) == (7, False, None)
            assert conn.execute(text("SELECT timezone FROM users")).scalar() == "UTC"
            # The full-text structures of 0004 survive the new columns.
            if fresh.dialect.name == "sqlite":
                found = "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'wörld'"
            else:
                found = "SELECT count(*) FROM entries WHERE search_vector @@ to_tsquery('pm')"
            assert conn.execute(text(found)).scalar() == 1
