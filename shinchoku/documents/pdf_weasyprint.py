"""PDF from the report HTML with WeasyPrint: A4, page numbers, a table of contents with real page numbers,
bookmarks, title/lang/author metadata, fonts embedded (subset). Never touches the network.

No longer the report's PDF (see pdf.py: ReportLab, ~5x faster); kept so bench/bench_reports.py can compare
the two and the HTML page's print stylesheet stays honest."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from shinchoku.documents.html import PACKAGE_DIR, render_html
from shinchoku.documents.model import ReportModel
from shinchoku.documents.safety import draft_title


class FetchRefused(ValueError):
    pass


class PackageFetcher(URLFetcher):
    """Fetches only ``data:`` URLs and files inside this package; anything else (http, other files) is refused.

    Reports embed their CSS and charts, so nothing should be fetched at all; this is the guard that keeps a
    stray ``url()`` or ``<img src>`` in user text from reaching the network or the file system.
    """

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if path.is_relative_to(PACKAGE_DIR):
                return super().fetch(url, headers)
        raise FetchRefused(f"refusing to fetch {url!r}: reports are rendered without network access")


def render_pdf_weasyprint(report: ReportModel, *, draft: bool = False) -> bytes:
    # Charts stay inline SVG (vector): embedding them as PNG was measured no faster (image re-encoding in
    # write_pdf ate the layout saving) and prints worse.
    html = render_html(report, draft=draft)
    # WeasyPrint allocates hundreds of thousands of short-lived objects; the cyclic garbage collector would
    # run hundreds of times during one report for ~25 % of the time. Everything is freed by reference
    # counting when the render returns, so the collector is paused for the duration.
    paused = gc.isenabled()
    gc.disable()
    try:
        document = HTML(
            string=html, base_url=PACKAGE_DIR.as_uri() + "/", url_fetcher=PackageFetcher()
        ).render()
        document.metadata.title = draft_title(report.full_title, draft)
        document.metadata.authors = [report.municipality]
        document.metadata.lang = "ja"
        return document.write_pdf() or b""
    finally:
        if paused:
            gc.enable()
