"""Draft downloads on the web: the download of a year not published asks for the draft (案) and sends the
browser to its status page, which polls (htmx) until the file is drawn and then offers it.

Named users (tests/cycle/conftest.py): Alice — DX staff of 柏崎市; Erin — viewer of 柏崎市; Frank — department
editor (no municipality-wide report: 403); Charlie — DX staff of 刈羽村 (every 柏崎市 URL is a 404 for him).
Tasks run in the caller here (tests/conftest.py), except where a test queues them without running them
(the dummy backend) to see the page while the draft waits.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from shinchoku.cycle.services import progress_report_update
from shinchoku.cycle.services.drafts import draft_render
from shinchoku.documents.models import DraftFile, DraftStatus
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Municipality

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def _download(city: Municipality, fmt: str, year: int = 2024) -> str:
    return reverse(
        "documents:report_download", kwargs={"municipality_id": city.pk, "fiscal_year": year, "format": fmt}
    )


def _draft_url(name: str, city: Municipality, draft_id: int, year: int = 2024) -> str:
    return reverse(f"documents:{name}", kwargs={"municipality_id": city.pk, "fiscal_year": year, "draft_id": draft_id})


def _drafts(city: Municipality) -> list[DraftFile]:
    with scope(municipality=city):
        return list(DraftFile.objects.order_by("pk"))


def _assert_no_inline_script(body: str) -> None:
    """The Content-Security-Policy allows script from the app's origin only: no inline script, no handlers."""
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert " src=" in tag, tag
    assert re.findall(r"<script\b[^>]*>([^<]+)</script>", body) == []
    assert not re.search(r"\son[a-z]+\s*=", body), "an inline event handler"


def test_it_takes_alice_from_the_download_to_the_drawn_draft(
    client: Client, year_2024: ReportingYear, alice: Any
) -> None:
    city = year_2024.plan.municipality
    client.force_login(alice)
    downloads = client.get(reverse("documents:report_downloads", args=[city.pk, 2024])).content.decode()
    # A draft link leads to a page, not straight to a file: no download attribute that would save that page.
    assert f'href="{_download(city, "pdf")}">PDFをダウンロード' in downloads
    response = client.get(_download(city, "pdf"))
    (draft,) = _drafts(city)
    assert response.status_code == 302 and response["Location"] == _draft_url("draft_status", city, draft.pk)
    assert draft.status == DraftStatus.READY and draft.requested_by_id == alice.pk and draft.finished_at
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "作成しました。" in body and "hx-trigger" not in body  # finished: no more polling
    file_url = _draft_url("draft_file", city, draft.pk)
    assert f'href="{file_url}" download>PDF（案）をダウンロード' in body
    _assert_no_inline_script(body)
    file = client.get(file_url)
    assert file.status_code == 200 and file.content.startswith(b"%PDF-")
    assert file["Content-Type"] == "application/pdf" and file["Cache-Control"] == "private, no-store"
    assert unquote(file["Content-Disposition"]).endswith("_進行管理報告書_2024年度実績（案）.pdf")


def test_it_shows_the_waiting_draft_and_polls_until_it_is_drawn(
    client: Client, year_2024: ReportingYear, erin: Any, settings: Any
) -> None:
    settings.TASKS = DUMMY_TASKS  # queued, not run: the page while the worker has not got to it
    city = year_2024.plan.municipality
    client.force_login(erin)  # a viewer downloads the report too
    status_url = client.get(_download(city, "html"))["Location"]
    (draft,) = _drafts(city)
    assert draft.status == DraftStatus.PENDING and draft.task_id
    body = client.get(status_url).content.decode()
    assert "作成の順番を待っています" in body and "<progress" in body
    assert f'hx-get="{status_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in body
    assert f'<a href="{status_url}">最新の状態を表示</a>' in body  # without script: a plain reload
    _assert_no_inline_script(body)
    file_url = _draft_url("draft_file", city, draft.pk)
    early = client.get(file_url)
    assert early.status_code == 302 and early["Location"] == status_url

    polled = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert polled.startswith('<div id="draft-status"') and "<html" not in polled and "hx-trigger" in polled

    assert draft_render(municipality_id=city.pk, draft_id=draft.pk) == "drawn"  # what the worker does
    polled = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "作成しました。" in polled and "hx-get" not in polled
    assert client.get(file_url).content.startswith(b"<!DOCTYPE html>")


def test_it_reuses_the_draft_while_the_content_is_unchanged(
    client: Client, year_2024: ReportingYear, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shinchoku.cycle.services import drafts

    drawn: list[str] = []
    real = drafts.render_document

    def counting(document: Any, format: str, *, draft: bool) -> tuple[bytes, str, str]:
        drawn.append(format)
        return real(document, format, draft=draft)

    monkeypatch.setattr(drafts, "render_document", counting)
    city = year_2024.plan.municipality
    client.force_login(alice)
    first = client.get(_download(city, "xlsx"))["Location"]
    again = client.get(_download(city, "xlsx"))["Location"]
    assert first == again and drawn == ["xlsx"]  # the same content: the same file, drawn once
    other_format = client.get(_download(city, "html"))["Location"]
    assert other_format != first and drawn == ["xlsx", "html"]

    progress_report_update(progress_report=year_2024, by=alice, title="令和7（2025）年度 改めた表題",
                           published_on=None, narrative=[])
    changed = client.get(_download(city, "xlsx"))["Location"]
    assert changed != first and drawn == ["xlsx", "html", "xlsx"]
    assert len(_drafts(city)) == 3  # the superseded draft stays while someone may still be fetching it


def test_it_says_in_japanese_when_drawing_failed_and_draws_again_on_request(
    client: Client, year_2024: ReportingYear, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shinchoku.cycle.services import drafts

    def broken(document: Any, format: str, *, draft: bool) -> tuple[bytes, str, str]:
        raise MemoryError("out of memory")

    real = drafts.render_document
    monkeypatch.setattr(drafts, "render_document", broken)
    city = year_2024.plan.municipality
    client.force_login(alice)
    status_url = client.get(_download(city, "docx"))["Location"]
    body = client.get(status_url).content.decode()
    assert "作成できませんでした" in body and 'role="alert"' in body
    assert "報告書（案）を作成できませんでした（MemoryError）。もう一度ダウンロードすると作り直します。" in body
    assert f'href="{_download(city, "docx")}">もう一度作成する' in body and "hx-trigger" not in body
    (draft,) = _drafts(city)
    assert draft.status == DraftStatus.FAILED
    assert client.get(_draft_url("draft_file", city, draft.pk))["Location"] == status_url

    monkeypatch.setattr(drafts, "render_document", real)
    assert client.get(_download(city, "docx"))["Location"] == status_url  # the same row, drawn again
    (draft,) = _drafts(city)
    assert draft.status == DraftStatus.READY and draft.error == ""


def test_it_serves_a_published_year_as_stored_without_a_draft(
    client: Client, kashiwazaki: Municipality, alice: Any
) -> None:
    client.force_login(alice)
    response = client.get(_download(kashiwazaki, "html", 2023))
    assert response.status_code == 200 and response.content.startswith(b"<!DOCTYPE html>")
    assert _drafts(kashiwazaki) == []


def test_it_refuses_frank_and_hides_the_drafts_from_charlie(
    client: Client, year_2024: ReportingYear, alice: Any, frank: Any, charlie: Any
) -> None:
    city = year_2024.plan.municipality
    client.force_login(alice)
    status_url = client.get(_download(city, "html"))["Location"]
    (draft,) = _drafts(city)
    urls = [_download(city, "html"), status_url, _draft_url("draft_file", city, draft.pk)]
    client.force_login(frank)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    client.force_login(charlie)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.logout()
    assert all(client.get(url)["Location"].startswith(reverse("login")) for url in urls)
    client.force_login(alice)
    assert client.get(_draft_url("draft_status", city, draft.pk, 2023)).status_code == 404  # another year's URL
    assert client.get(_draft_url("draft_status", city, draft.pk + 1000)).status_code == 404
