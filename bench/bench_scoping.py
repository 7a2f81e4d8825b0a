"""Times a page for a user with one membership and for one with a role in every municipality of Japan.

    .venv/bin/python bench/bench_scoping.py [--runs 20] [--memberships 1741]

The request scope is the URL's municipality (tenancy/middleware.py), so the dashboard of 柏崎市 should cost
the same whether its user belongs to 1 municipality or to 1,741 (a prefecture's or the nation's staff).
Prints the median of each and their ratio; asserts nothing. Uses a throwaway SQLite database (or
SHINCHOKU_DATABASE_URL when set, to measure PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--memberships", type=int, default=1741)
    args = parser.parse_args()
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    # A throwaway process: a key of its own, as production settings require one.
    os.environ.setdefault("SHINCHOKU_SECRET_KEY", __import__("secrets").token_urlsafe(50))
    os.environ.setdefault("SHINCHOKU_MANIFEST_STATIC", "false")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django_scopes import scopes_disabled

    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.tenancy.models import Membership, Municipality, Role

    (Path(os.environ["SHINCHOKU_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)  # whitenoise's
    call_command("migrate", verbosity=0)
    city = year_import(by=None, document=parse_report_text(SEED.read_text(encoding="utf-8"))).municipality
    users = get_user_model()
    with scopes_disabled():
        one = users.objects.create_user(username="one", password="bench-password-1")
        many = users.objects.create_user(username="many", password="bench-password-1")
        Membership.objects.create(user=one, municipality=city, role=Role.DX_STAFF)
        Membership.objects.create(user=many, municipality=city, role=Role.DX_STAFF)
        towns = Municipality.objects.bulk_create(
            [Municipality(name=f"ベンチ町{i:04d}") for i in range(args.memberships - 1)]
        )
        Membership.objects.bulk_create([Membership(user=many, municipality=t, role=Role.VIEWER) for t in towns])

    def median_ms(user: object) -> float:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        client.get(f"/{city.pk}/")
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            assert client.get(f"/{city.pk}/").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    alone, crowded = median_ms(one), median_ms(many)
    print(f"dashboard, 1 membership: {alone:.1f} ms (median of {args.runs})")
    print(f"dashboard, {args.memberships} memberships: {crowded:.1f} ms (median of {args.runs})")
    print(f"ratio: {crowded / alone:.2f}")


if __name__ == "__main__":
    main()
