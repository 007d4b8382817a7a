"""Print the OpenAPI document (for the generated TypeScript client) without a server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from apps.api.app.config import Settings
from apps.api.app.main import create_app


def main() -> None:
    # Fixed settings: the schema must not depend on the caller's environment.
    app = create_app(Settings(_env_file=None, secret_key="x" * 40, web_dist=Path("/nonexistent")))
    json.dump(app.openapi(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
