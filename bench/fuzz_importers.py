"""Fuzzes both importers with many more cases than the suite; prints cases, crashes, partial writes, seconds.

    .venv/bin/python bench/fuzz_importers.py [--cases 2000] [--seed 8] [--show 5]
    SHINCHOKU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shinchoku_fuzz .venv/bin/python bench/fuzz_importers.py

Each importer gets ``--cases`` mutated inputs (tests/fuzz/mutations.py): half against an empty database, half
against the seed loaded with ``--replace`` (a next publication version). Every case runs in a savepoint that is
rolled back, and so does the whole run: the database is left as it was (it must hold no municipality). Uses a
throwaway SQLite database unless SHINCHOKU_DATABASE_URL is set. Target (issue 8): 0 crashes, 0 unlocated
refusals, 0 partial writes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed_kashiwazaki_fy2023.txt"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000, help="cases per importer")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--start", type=int, default=0, help="first case number (to resume or shard)")
    parser.add_argument("--show", type=int, default=5, help="failures printed per importer")
    parser.add_argument("--only", choices=["import-report", "import-json"])
    args = parser.parse_args()
    os.environ.setdefault("SHINCHOKU_DATA_DIR", tempfile.mkdtemp(prefix="shinchoku-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shinchoku.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scope, scopes_disabled

    from shinchoku.interchange.export import document_build
    from shinchoku.tenancy.models import Municipality
    from tests.fuzz.harness import Tally, run_cases
    from tests.fuzz.mutations import json_cases, text_cases

    Path(os.environ["SHINCHOKU_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if Municipality.objects.exists():
            print("the database holds municipalities; point SHINCHOKU_DATABASE_URL at an empty one", file=sys.stderr)
            return 2
    text = SEED.read_text(encoding="utf-8")
    half = args.cases // 2
    failed = 0
    print(f"database: {connection.vendor}, seed {args.seed}, cases {args.start}..{args.start + args.cases - 1}")
    try:
        with transaction.atomic():
            # The JSON cases mutate the seed's export, so the seed is loaded (and exported) once up front.
            call_command("import-report", str(SEED), stdout=open(os.devnull, "w"))
            with scopes_disabled():
                municipality = Municipality.objects.get(name="柏崎市")
            with scope(municipality=municipality):
                document = json.loads(json.dumps(document_build(municipality=municipality, fiscal_year=2023)))
            for command in ("import-report", "import-json"):
                if args.only and command != args.only:
                    continue
                tally = Tally()
                start = time.perf_counter()

                def cases(first: int, count: int, command: str = command) -> object:
                    if command == "import-report":
                        return text_cases(args.seed, count, text, start=first)
                    return json_cases(args.seed, count, document, start=first)

                # Half from an empty database: the surgery is undone with the rest of the run.
                with transaction.atomic():
                    _empty()
                    tally.outcomes += run_cases(command, cases(args.start, half), replace=False).outcomes  # type: ignore[arg-type]
                    transaction.set_rollback(True)
                tally.outcomes += run_cases(
                    command, cases(args.start + half, args.cases - half), replace=True  # type: ignore[arg-type]
                ).outcomes
                seconds = time.perf_counter() - start
                counts = tally.counts
                print(
                    f"{command}: {len(tally.outcomes)} cases, {counts['loaded']} loaded, {counts['refused']} refused, "
                    f"crashes {counts['crash']}, unlocated {counts['unlocated']}, partial writes {counts['partial']}, "
                    f"{seconds:.1f} s ({seconds / max(1, len(tally.outcomes)) * 1000:.0f} ms/case)"
                )
                for outcome in tally.failures()[: args.show]:
                    print(f"  {outcome}")
                failed += len(tally.failures())
            transaction.set_rollback(True)
    finally:
        connection.close()
    return 1 if failed else 0


def _empty() -> None:
    from django.apps import apps
    from django.db import connection

    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in ("tenancy", "plans", "cycle")]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


if __name__ == "__main__":
    sys.exit(main())
