"""Portal year page and project page under 20 concurrent clients on the seed; prints p50/p95 in ms.

Run: PYTHONPATH=. SHINCHOKU_SECRET_KEY=x python bench/bench_portal.py   (an in-memory SQLite, the seed imported)
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
os.environ.setdefault("SHINCHOKU_DEBUG", "true")  # static files without a collected manifest
os.environ.setdefault("SHINCHOKU_DATABASE_URL", "sqlite:///" + str(Path("/tmp/bench_portal.sqlite3")))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

CLIENTS = 20
ROUNDS = 25


def main() -> None:
    setup_test_environment()
    db = Path("/tmp/bench_portal.sqlite3")
    if db.exists():
        db.unlink()
    call_command("migrate", verbosity=0)
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.importing.report_text import parse_report_text
    from shinchoku.public.keys import project_key

    seed = (Path(__file__).resolve().parent.parent / "tests/fixtures/seed_kashiwazaki_fy2023.txt").read_text(encoding="utf-8")
    document = parse_report_text(seed)
    year_import(by=None, document=document)
    first = project_key(document["projects"][0]["name"])
    for url in ("/p/152056/2023/", f"/p/152056/2023/projects/{first}/"):
        assert Client().get(url).status_code == 200, url
        times: list[float] = []
        lock = threading.Lock()

        def worker(url: str = url, lock: threading.Lock = lock, times: list[float] = times) -> None:
            client = Client()
            for _ in range(ROUNDS):
                start = time.perf_counter()
                client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(elapsed)

        threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{url}: {len(times)} requests, {CLIENTS} clients, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
