"""The public portal in Chromium: axe-core finds no violation of any impact at 1366×768 and at 320 px, no page
scrolls sideways at 320 px, and nothing loads from elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shinchoku.tenancy.models import Municipality

pytestmark = pytest.mark.browser

PAGES = ("/p/", "/p/152056/", "/p/152056/2023/")
AXE_RUN = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
)


@pytest.mark.django_db(transaction=True)
def test_it_passes_axe_at_desktop_and_320px(
    live_server: Any, kashiwazaki: Municipality, seed_document: Any, browser_page: Any, axe_path: Path,
    shots_dir: Path,
) -> None:
    from shinchoku.public.keys import project_key

    pages = (*PAGES, f"/p/152056/2023/projects/{project_key(seed_document['projects'][0]['name'])}/")
    axe_source = axe_path.read_text(encoding="utf-8")
    requests: list[str] = []
    browser_page.on("request", lambda request: requests.append(request.url))
    for width, height in ((1366, 768), (320, 640)):
        browser_page.set_viewport_size({"width": width, "height": height})
        for path in pages:
            response = browser_page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            # Through the DevTools protocol, not as a <script> tag: the page's CSP rightly refuses inline scripts.
            browser_page.evaluate(axe_source)
            violations = browser_page.evaluate(AXE_RUN)
            assert violations == [], (path, width, violations)
            if width == 320:
                assert browser_page.evaluate("document.documentElement.scrollWidth") <= 320, path
            name = path.strip("/").replace("/", "_") or "index"
            browser_page.screenshot(path=str(shots_dir / f"portal-{name}-{width}.png"), full_page=False)
    assert [url for url in requests if not url.startswith((live_server.url, "data:", "about:"))] == []
