"""Shared fixtures: the seed report, parsed and loaded, and the named users of the access tests.

Named users (healthchecks style) — who may do what is explained where each is made, in shinchoku tests that
need them (see tests/cycle/conftest.py). The seed is parsed once per session; loading it is per test (the
database is rolled back after each test).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from shinchoku.interchange.document import Document

FIXTURES = Path(__file__).parent / "fixtures"
SEED_PATH = FIXTURES / "seed_kashiwazaki_fy2023.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _seed_document_cached(seed_text: str) -> Document:
    from shinchoku.importing.report_text import parse_report_text

    return parse_report_text(seed_text, source=str(SEED_PATH))


@pytest.fixture
def seed_document(_seed_document_cached: Document) -> Document:
    """A fresh deep copy, so a test may mutate it."""
    return copy.deepcopy(_seed_document_cached)


@pytest.fixture
def kashiwazaki(db, seed_document: Document):  # type: ignore[no-untyped-def]
    """The seed loaded into the test database; returns the Municipality 柏崎市."""
    from shinchoku.interchange.load import document_load

    return document_load(document=seed_document).municipality
