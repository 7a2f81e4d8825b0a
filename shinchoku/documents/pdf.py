"""PDF from the report HTML with WeasyPrint: A4, page numbers, a table of contents with real page numbers,
bookmarks, title/lang/author metadata, fonts embedded (subset). Never touches the network."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from shinchoku.documents.html import PACKAGE_DIR, render_html
from shinchoku.documents.model import ReportModel


class FetchRefused(ValueError):
    pass


def url_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Only ``data:`` URLs and files inside this package; everything else (http, other files) is refused."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    if url.startswith("file://"):
        path = Path(unquote(urlparse(url).path)).resolve()
        if path.is_relative_to(PACKAGE_DIR):
            return default_url_fetcher(url, *args, **kwargs)
    raise FetchRefused(f"refusing to fetch {url!r}: reports are rendered without network access")


def render_pdf(report: ReportModel) -> bytes:
    from weasyprint import HTML

    html = render_html(report)
    # WeasyPrint allocates hundreds of thousands of short-lived objects; the cyclic garbage collector would
    # run hundreds of times during one report for ~25 % of the time. Everything is freed by reference
    # counting when the render returns, so the collector is paused for the duration.
    paused = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=PACKAGE_DIR.as_uri() + "/", url_fetcher=url_fetcher).render()
        document.metadata.title = report.full_title
        document.metadata.authors = [report.municipality]
        document.metadata.lang = "ja"
        return document.write_pdf() or b""
    finally:
        if paused:
            gc.enable()
