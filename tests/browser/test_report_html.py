"""The HTML report is one accessible page: axe-core finds no serious or critical violation, and it loads nothing.

The portal will publish this page as it is, so it is checked in a real browser like the application's pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_scopes import scope

from shinchoku.documents.render import render_report
from shinchoku.tenancy.models import Municipality

pytestmark = pytest.mark.browser


@pytest.fixture
def report_html(kashiwazaki: Municipality) -> str:
    # Rendered before the browser starts: ORM calls made while Playwright's loop runs use another connection,
    # which SQLite's shared in-memory test database refuses while this test's transaction holds it.
    with scope(municipality=kashiwazaki):
        data, content_type, _ = render_report(municipality=kashiwazaki, fiscal_year=2023, format="html")
    assert content_type.startswith("text/html")
    return data.decode("utf-8")


@pytest.mark.django_db
def test_it_renders_an_accessible_self_contained_report_page(
    report_html: str, browser_page: Any, axe_path: Path, shots_dir: Path
) -> None:
    requests: list[str] = []
    browser_page.on("request", lambda request: requests.append(request.url))
    browser_page.set_content(report_html, wait_until="load")
    assert browser_page.evaluate("document.documentElement.lang") == "ja"
    assert "LINEによる情報発信" in browser_page.inner_text("body")
    browser_page.add_script_tag(path=str(axe_path))
    violations = browser_page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    browser_page.screenshot(path=str(shots_dir / "report-html.png"), full_page=False)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    assert [url for url in requests if not url.startswith(("data:", "about:"))] == []
