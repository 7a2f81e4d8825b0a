"""Fixtures of the report tests: the seed imported once per session and rendered in every format.

Rendering the seed's PDF takes a couple of seconds, so the imported seed is rendered once (in a transaction
rolled back afterwards) and the files are shared by the content tests. Tests that need the database itself
use ``kashiwazaki`` (per test, see tests/conftest.py).
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from shinchoku.interchange.document import Document


@dataclass(frozen=True)
class Rendered:
    data: bytes
    content_type: str
    filename: str
    path: Path


@pytest.fixture(scope="session")
def rendered(
    django_db_setup: Any,
    django_db_blocker: Any,
    _seed_document_cached: Document,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Rendered]]:
    """{format: Rendered} of the seed, imported into the database and reported from there."""
    from shinchoku.cycle.services.imports import year_import
    from shinchoku.documents.render import FORMATS, render_report

    out_dir = tmp_path_factory.mktemp("reports")
    result: dict[str, Rendered] = {}
    with django_db_blocker.unblock():
        with transaction.atomic():
            municipality = year_import(by=None, document=copy.deepcopy(_seed_document_cached)).municipality
            for fmt in FORMATS:
                data, content_type, filename = render_report(
                    municipality=municipality, fiscal_year=2023, format=fmt
                )
                path = out_dir / filename
                path.write_bytes(data)
                result[fmt] = Rendered(data, content_type, filename, path)
            transaction.set_rollback(True)
    yield result


@pytest.fixture(scope="session")
def pdf_text(rendered: dict[str, Rendered]) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(rendered["pdf"].path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines inside table cells."""
    return "".join(text.split())
