"""The ``shinchoku`` console command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    # whitenoise warns on every request when the collectstatic target does not exist yet.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(["shinchoku", *sys.argv[1:]])


if __name__ == "__main__":
    main()
