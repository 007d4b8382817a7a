"""Hostile import files: crafted zips (lying sizes, bad CRC, encrypted flag, unknown method,
corrupt deflate, huge central directories) and deeply nested JSON are refused with a 422
and a clear detail — never a 500, and never by reading the whole bomb into memory."""

from __future__ import annotations

import json
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.api.app.entries import transfer

ENTRY = b'---\ntitle: "t"\nentry_date: "2026-01-01"\n---\n\nbody\n'
STORED, DEFLATED = 0, 8


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def craft_zip(members: list[dict[str, Any]]) -> bytes:
    """A zip written field by field, so that headers can say what the data is not.

    Each member: ``name``, ``data`` (the bytes stored, already compressed), and optionally
    ``plain`` (the uncompressed bytes, for the CRC and size), ``method``, ``flags``,
    ``crc``, ``size`` (declared uncompressed size), ``name_bytes``, ``local`` (False: a
    central directory record without a local header or data).
    """
    body, central = bytearray(), bytearray()
    for member in members:
        name = member.get("name_bytes") or member["name"].encode()
        data = member["data"]
        plain = member.get("plain", data)
        crc = member.get("crc", zlib.crc32(plain))
        size = member.get("size", len(plain))
        method, flags = member.get("method", STORED), member.get("flags", 0)
        version = member.get("version", 20)  # version needed to extract
        offset = len(body)
        if member.get("local", True):
            body += struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", version, flags, method, 0, 0x21, crc, len(data), size,
                len(name), 0,
            )  # fmt: skip
            body += name + data
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, version, flags, method, 0, 0x21, crc, len(data), size,
            len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
    count = min(len(members), 0xFFFF)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    return bytes(body + central + end)


def _import(client: TestClient, headers: dict[str, str], data: bytes, name: str = "x.zip") -> Any:
    return client.post("/api/entries/import", files={"file": (name, data)}, headers=headers)


def _assert_refused(response: Any, *words: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"], body
    for word in words:
        assert word in body["detail"].lower(), body["detail"]


def test_a_well_formed_crafted_zip_imports(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    # The crafting helper itself writes valid archives: the refusals below are the point.
    data = craft_zip(
        [
            {"name": "a.md", "data": ENTRY},
            {
                "name": "b.md",
                "data": _deflate(ENTRY.replace(b'"t"', b'"u"')),
                "plain": ENTRY.replace(b'"t"', b'"u"'),
                "method": DEFLATED,
            },
        ]
    )
    response = _import(client, auth_headers, data)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 2, "skipped": 0, "unsupported": 0}


def test_member_with_a_bad_crc_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    data = craft_zip([{"name": "a.md", "data": ENTRY, "crc": zlib.crc32(ENTRY) ^ 1}])
    _assert_refused(_import(client, auth_headers, data), "a.md", "corrupt")


def test_encrypted_member_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    data = craft_zip([{"name": "a.md", "data": b"\x00" * 12 + ENTRY, "flags": 0x1}])
    _assert_refused(_import(client, auth_headers, data), "a.md", "encrypted")


@pytest.mark.parametrize("method", [99, 12, 14, 1])  # unknown, bzip2, lzma, shrink
def test_member_with_an_unsupported_compression_method_is_422(
    client: TestClient, auth_headers: dict[str, str], method: int
) -> None:
    data = craft_zip([{"name": "a.md", "data": ENTRY, "method": method}])
    _assert_refused(_import(client, auth_headers, data), "a.md", "compression")


def test_member_with_a_corrupt_deflate_stream_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    good = _deflate(ENTRY)
    for broken in (b"\xff" * 64, good[: len(good) // 2], b"\x07" + good[1:]):
        data = craft_zip([{"name": "a.md", "data": broken, "plain": ENTRY, "method": DEFLATED}])
        _assert_refused(_import(client, auth_headers, data), "a.md")


def test_member_name_that_is_not_utf8_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    data = craft_zip([{"name": "", "name_bytes": b"\xff\xfe.md", "data": ENTRY, "flags": 0x800}])
    _assert_refused(_import(client, auth_headers, data))


def test_member_needing_a_newer_zip_version_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    data = craft_zip([{"name": "a.md", "data": ENTRY, "version": 64}])
    _assert_refused(_import(client, auth_headers, data))


def _lying_bomb(actual: int) -> bytes:
    """One member that says it holds 1,000 bytes and inflates to ``actual`` bytes."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = ENTRY + b"\n" * (1 << 20)
    stream = b"".join(packer.compress(chunk) for _ in range(actual >> 20)) + packer.flush()
    return craft_zip(
        [
            {
                "name": "bomb.md",
                "data": stream,
                "plain": b"",
                "crc": 0,
                "size": 1000,
                "method": DEFLATED,
            }
        ]
    )


def _peak_bytes_of_refusal(work: Callable[[], object]) -> int:
    tracemalloc.start()
    with pytest.raises(transfer.InvalidImport):
        work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_member_whose_header_lies_about_its_size_is_refused_without_inflating_it(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    bomb = _lying_bomb(256 << 20)
    assert len(bomb) < 2 << 20
    _assert_refused(_import(client, auth_headers, bomb), "bomb.md")
    # Reading stops at the bytes declared/allowed: memory stays far below what it inflates to.
    assert _peak_bytes_of_refusal(lambda: transfer.parse_import(bomb)) < 8 << 20


def test_member_larger_than_the_per_file_cap_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    big = ENTRY + b"x" * transfer.MAX_ZIP_MEMBER_BYTES
    data = craft_zip([{"name": "big.md", "data": _deflate(big), "plain": big, "method": DEFLATED}])
    _assert_refused(_import(client, auth_headers, data), "big.md")


def test_archive_larger_than_the_total_cap_once_unpacked_is_422(
    monkeypatch: pytest.MonkeyPatch, client: TestClient, auth_headers: dict[str, str]
) -> None:
    monkeypatch.setattr(transfer, "MAX_ZIP_UNCOMPRESSED", 3 * len(ENTRY))
    members = [{"name": f"{i}.md", "data": ENTRY} for i in range(4)]
    _assert_refused(_import(client, auth_headers, craft_zip(members)), "too large")


def test_every_member_counts_toward_the_member_cap(
    monkeypatch: pytest.MonkeyPatch, client: TestClient, auth_headers: dict[str, str]
) -> None:
    monkeypatch.setattr(transfer, "MAX_ZIP_MEMBERS", 5)
    members = [{"name": "a.md", "data": ENTRY}] + [
        {"name": f"photo{i}.jpg", "data": b""} for i in range(5)
    ]
    _assert_refused(_import(client, auth_headers, craft_zip(members)), "too many files")
    dirs = [{"name": "a.md", "data": ENTRY}] + [{"name": f"d{i}/", "data": b""} for i in range(5)]
    _assert_refused(_import(client, auth_headers, craft_zip(dirs)), "too many files")


def test_a_huge_central_directory_is_refused_before_it_is_parsed(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    # 200,000 minimal records (~9 MB): parsed whole, that is ~200,000 ZipInfo objects.
    records = [{"name": "x", "data": b"", "local": False} for _ in range(200_000)]
    data = craft_zip([{"name": "a.md", "data": ENTRY}, *records])
    _assert_refused(_import(client, auth_headers, data), "too many files")
    assert _peak_bytes_of_refusal(lambda: transfer.parse_import(data)) < 4 << 20


def test_deeply_nested_json_is_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    documents = [
        deep.encode(),
        b'{"entries": ' + deep.encode() + b"}",
        json.dumps({"entries": [{"entry_date": "2026-01-01", "body": "x"}]})
        .replace('"x"', '"x", "extra": ' + deep)
        .encode(),
    ]
    for document in documents:
        _assert_refused(_import(client, auth_headers, document, "e.json"))


def test_deeply_nested_front_matter_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    text = b'---\ntitle: "t"\nentry_date: "2026-01-01"\ntags: ' + b"[" * 100_000 + b"\n---\nb\n"
    _assert_refused(_import(client, auth_headers, craft_zip([{"name": "a.md", "data": text}])))


def _assert_imports_or_is_refused(raw: bytes) -> None:
    """parse_import either succeeds or raises InvalidImport (a 422 with its errors list);
    any other exception would be a 500."""
    errors: list[Any] | None = None
    try:
        transfer.parse_import(raw)
    except transfer.InvalidImport as exc:
        errors = exc.extra["errors"]
    assert errors is None or errors


def _valid_archive() -> bytes:
    entry = ENTRY.replace(b"body", b"body " * 50)
    return craft_zip(
        [
            {"name": "a.md", "data": entry},
            {"name": "b.md", "data": _deflate(entry), "plain": entry, "method": DEFLATED},
        ]
    )


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_any_corruption_of_an_archive_is_refused_as_invalid_import_or_imported(
    data: st.DataObject,
) -> None:
    archive = bytearray(_valid_archive())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(archive) - 1))
        archive[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(4, len(archive)))
    _assert_imports_or_is_refused(bytes(archive[:cut]))


@settings(max_examples=300, deadline=None, database=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_are_refused_as_invalid_import(raw: bytes) -> None:
    _assert_imports_or_is_refused(raw)


def test_json_with_an_integer_too_long_to_parse_is_422(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    document = b'{"entries": [{"entry_date": "2026-01-01", "body": "x", "mood": ' + b"9" * 5000
    _assert_refused(_import(client, auth_headers, document + b"}]}", "e.json"))
