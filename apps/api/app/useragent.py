"""Readable device labels ("Firefox on macOS") from user-agent strings, via ua-parser."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

_OS_NAMES = {"Mac OS X": "macOS", "Windows": "Windows", "iOS": "iOS", "Android": "Android"}


@lru_cache(maxsize=1024)
def device_label(user_agent: str | None) -> str:
    if not user_agent:
        return "Unknown device"
    result = parse(user_agent[:512])
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    if browser == "HeadlessChrome":
        browser = "Chrome (headless)"
    if system:
        system = _OS_NAMES.get(system, system)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return str(browser or system)
    # Scripts and API clients: "python-httpx/0.28" → "python-httpx".
    return user_agent.split("/", 1)[0].split(" ", 1)[0][:40] or "Unknown device"
