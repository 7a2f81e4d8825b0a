"""The ``shinchoku`` console command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        data_dir = settings.DATA_DIR
    except ImproperlyConfigured as exc:
        # A configuration mistake (no or a weak secret key) is the operator's to fix: say what, not where.
        print(f"shinchoku: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    data_dir.mkdir(parents=True, exist_ok=True)
    # whitenoise warns on every request when the collectstatic target does not exist yet.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(["shinchoku", *sys.argv[1:]])


if __name__ == "__main__":
    main()
