"""The baseline: a bare FastAPI app answering fixed JSON on the same paths, no auth, no DB.

The payloads are read once from BENCH_PAYLOADS (a JSON file written by auth_read.py), so
both servers send byte-for-byte the same bodies.
"""

from __future__ import annotations

import json
import os
from typing import Any

from fastapi import FastAPI

_PAYLOADS: dict[str, Any] = json.loads(open(os.environ["BENCH_PAYLOADS"]).read())  # noqa: SIM115

app = FastAPI()


@app.get("/api/auth/me")
async def me() -> Any:
    return _PAYLOADS["/api/auth/me"]


@app.get("/api/entries")
async def entries() -> Any:
    return _PAYLOADS["/api/entries?limit=20"]
