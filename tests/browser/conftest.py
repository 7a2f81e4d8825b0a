"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser), axe-core vendored."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "shinchoku" / "static" / "vendor" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module", autouse=True)
def _allow_sync_orm_in_playwright() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP", accept_downloads=True)
        page = context.new_page()
        yield page
        context.close()
        browser.close()
        # ORM calls made while Playwright's loop runs get their own connection (asgiref context); close it,
        # or PostgreSQL refuses to drop the test database at teardown.
        connections.close_all()




@pytest.fixture
def axe_path() -> Path:
    return AXE


@pytest.fixture
def shots_dir() -> Path:
    return SHOTS
