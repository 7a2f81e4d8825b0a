"""``shinchoku export-opendata --code 152056 --out DIR`` / ``shinchoku export-opendata --national --out FILE``.

The same open data as /p/{code}/datapackage.json (with the CSVs and JSON beside it, paths relative) or the
national package, written from publication snapshots only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shinchoku.public import opendata
from shinchoku.public.published import municipality_for_code, published_years


class Command(BaseCommand):
    help = "Write the published open data (Data Package with CSV and JSON) of a municipality, or the national package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", help="6-digit municipality code, e.g. 152056")
        parser.add_argument("--national", action="store_true", help="the national package (rows inline) to --out")
        parser.add_argument("--out", type=Path, required=True, help="output directory (--code) or file (--national)")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if options["national"]:
            with out.open("w", encoding="utf-8") as stream:
                for chunk in opendata.national_datapackage_chunks():
                    stream.write(chunk)
            self.stdout.write(f"wrote {out}")
            return
        code = options["code"] or ""
        municipality = municipality_for_code(code)
        if municipality is None:
            self.stderr.write(f"error: --code {code!r}: no published municipality with this code")
            raise SystemExit(2)
        years = published_years(municipality=municipality)
        out.mkdir(parents=True, exist_ok=True)
        package = opendata.datapackage(municipality, base_url="")
        for resource in package["resources"]:
            name = resource["path"].rsplit("/", 1)[1]
            key = name.removesuffix(".csv")
            (out / name).write_bytes(opendata.csv_bytes(key, opendata.rows(key, code=code, years=years)))
            data = list(opendata.rows(key, code=code, years=years))
            (out / f"{key}.json").write_text(json.dumps({"resource": key, "data": data}, ensure_ascii=False), encoding="utf-8")
            resource["path"] = name
        (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"wrote {out}/datapackage.json and {len(package['resources'])} resources")
