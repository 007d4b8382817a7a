"""Imports every model module so ``Base.metadata`` knows all tables (Alembic, tests)."""

from apps.api.app.auth import mfa_models as auth_mfa_models
from apps.api.app.auth import models as auth_models
from apps.api.app.auth import passkey_models
from apps.api.app.entries import models as entries_models
from apps.api.app.mail import models as mail_models

__all__ = ["auth_mfa_models", "auth_models", "entries_models", "mail_models", "passkey_models"]
