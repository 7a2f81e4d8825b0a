"""The public portal pages: anonymous, cookie-free, cached, drawn from publication snapshots only."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled

from shinchoku.plans.models import Publication
from shinchoku.public.keys import project_key
from shinchoku.tenancy.models import Municipality

from .conftest import KARIWA_CODE, KASHIWAZAKI_CODE

pytestmark = pytest.mark.django_db
MARKER = "LEAKMARKER漏洩チェック"
FIRST = project_key("新交通システムの構築")  # the first two projects of the web tests' 柏崎市
SECOND = project_key("LINEによる情報発信")


def public_urls(code: str = KASHIWAZAKI_CODE) -> list[str]:
    return [
        "/p/", f"/p/{code}/", f"/p/{code}/2023/", f"/p/{code}/2023/?q=x", f"/p/{code}/2023/projects/{FIRST}/",
        f"/p/{code}/2023/projects/{SECOND}/", f"/p/{code}/2024/", f"/p/{code}/2024/projects/{FIRST}/",
    ]


def test_it_serves_every_page_anonymously_without_cookies(client: Client, coded: Any) -> None:
    for url in public_urls()[:6]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
        assert response["ETag"]
        assert 'lang="ja"' in response.content.decode()
        assert "CC BY 4.0" in response.content.decode()


def test_it_answers_304_on_matching_etag(client: Client, coded: Any) -> None:
    for url in public_urls()[:5]:
        etag = client.get(url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_it_lists_municipalities_and_years(client: Client, coded: Any) -> None:
    body = client.get("/p/").content.decode()
    assert "柏崎市" in body and KASHIWAZAKI_CODE in body
    body = client.get(f"/p/{KASHIWAZAKI_CODE}/").content.decode()
    assert "令和5（2023）年度" in body and "第1版" in body


def test_it_returns_404_for_unknown_code_and_unpublished_year(client: Client, coded: Any) -> None:
    assert client.get("/p/999999/").status_code == 404
    assert client.get("/p/abc/").status_code == 404
    assert client.get(f"/p/{KASHIWAZAKI_CODE}/2019/").status_code == 404
    assert client.get(f"/p/{KASHIWAZAKI_CODE}/2023/projects/999/").status_code == 404
    assert client.get(f"/p/{KASHIWAZAKI_CODE}/2019/report.pdf").status_code == 404


def test_it_downloads_the_years_pdf(client: Client, coded: Any) -> None:
    response = client.get(f"/p/{KASHIWAZAKI_CODE}/2023/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF") and not response.cookies


def test_it_shows_charlies_city_only_under_its_own_code(client: Client, coded: Any, charlie: Any) -> None:
    # 刈羽村 (charlie's) has published nothing: it is neither listed nor reachable, and never mixed in.
    assert "刈羽村" not in client.get("/p/").content.decode()
    assert client.get(f"/p/{KARIWA_CODE}/").status_code == 404
    assert client.get(f"/p/{KARIWA_CODE}/2023/").status_code == 404
    for url in public_urls()[:6]:
        assert "刈羽村" not in client.get(url).content.decode(), url


def test_it_filters_and_searches_with_full_width_input(client: Client, coded: Any) -> None:
    with scopes_disabled():
        document = Publication.objects.filter(reporting_year__plan__municipality=coded[0]).first().document  # type: ignore[union-attr]
    first = document["projects"][0]
    url = f"/p/{KASHIWAZAKI_CODE}/2023/"
    response = client.get(url, {"pillar": first["pillar"]})
    assert first["name"] in response.content.decode()
    response = client.get(url, {"grade": "Z"})
    assert "該当する事業はありません" in response.content.decode()
    # Full-width ASCII and half-width katakana fold under NFKC.
    needle = first["name"][:3]
    full = needle.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert first["name"] in client.get(url, {"q": full}).content.decode()
    assert "該当する事業はありません" in client.get(url, {"q": "存在しない語句ｘｙｚ"}).content.decode()


def test_it_draws_an_accessible_chart_on_the_project_page(client: Client, coded: Any) -> None:
    body = client.get(f"/p/{KASHIWAZAKI_CODE}/2023/projects/{FIRST}/").content.decode()
    assert "<h2>概要</h2>" in body and "評価の推移" in body
    if "<svg" in body:
        assert 'role="img"' in body and "<title" in body and "<desc" in body
    assert "style=" not in body and "<script" not in body


def test_it_pins_query_counts(client: Client, coded: Any, django_assert_num_queries: Any) -> None:
    from shinchoku.public import portal

    portal._RENDERED.clear()
    with django_assert_num_queries(2):  # the municipality list (+ its etag)
        client.get("/p/")
    with django_assert_num_queries(6):  # a miss: etag (municipality + years) twice, then the page
        client.get(f"/p/{KASHIWAZAKI_CODE}/2023/")
    with django_assert_num_queries(7):  # a miss: etag (2) twice, then the page (3)
        client.get(f"/p/{KASHIWAZAKI_CODE}/2023/projects/{FIRST}/")
    with django_assert_num_queries(4):  # a hit: the etag only (the page is kept per content hash)
        client.get(f"/p/{KASHIWAZAKI_CODE}/2023/projects/{FIRST}/")


def test_it_never_shows_draft_text(client: Client, coded: Any, year_2024: Any, report_of: Any) -> None:
    city = coded[0]
    from shinchoku.plans.models import ProjectReport

    with scope(municipality=city):
        ProjectReport.objects.filter(fiscal_year=2024).update(department_comment=MARKER, rationale=MARKER)
    for url in public_urls():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert MARKER not in response.content.decode(), url


def test_it_shows_version_2_and_lists_version_1(client: Client, coded: Any) -> None:
    city = coded[0]
    with scopes_disabled():
        first = Publication.objects.filter(reporting_year__plan__municipality=city).get()
        document = copy.deepcopy(first.document)
        document["projects"][0]["vision"] = "訂正後の目指す姿"
        Publication.objects.create(
            reporting_year=first.reporting_year, version=2, document=document, content_hash="f" * 64,
            source=first.source, reason="訂正",
        )
    body = client.get(f"/p/{KASHIWAZAKI_CODE}/2023/").content.decode()
    assert "第2版" in body and "で訂正" in body and "第1版" in body
    assert "訂正後の目指す姿" in client.get(f"/p/{KASHIWAZAKI_CODE}/2023/projects/{FIRST}/").content.decode()


def test_it_hides_municipalities_without_code(client: Client, city: Municipality) -> None:
    with scopes_disabled():
        Municipality.objects.filter(pk=city.pk).update(code="")
    assert "柏崎市" not in client.get("/p/").content.decode()
