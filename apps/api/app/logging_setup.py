"""Logging: a handler for Journal's loggers, and no mailed token in any log line."""

from __future__ import annotations

import logging
import re

_TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s\"']+")


def redact(text: str) -> str:
    return _TOKEN_IN_URL.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """uvicorn's access log prints full paths: /verify?token=… would land in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def configure_logging() -> None:
    # Under uvicorn the root logger has no handler; give Journal's loggers one.
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s:     [%(name)s] %(message)s")
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
