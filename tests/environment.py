"""A pytest plugin (``-p tests.environment`` in pyproject.toml) that sets the environment before Django starts.

Settings are production-safe by default (DEBUG off, a strong secret key required), and the tests run with
those defaults on purpose. They only get what a production process gets from its service manager: a key of
their own, and static files served without a collectstatic manifest.
"""

from __future__ import annotations

import os
import secrets

os.environ.setdefault("SHINCHOKU_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SHINCHOKU_MANIFEST_STATIC", "false")
