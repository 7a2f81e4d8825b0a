"""The publication versions of a year on the web: the list, each version's files, the corrections (正誤表).

Named users: Alice — DX staff of 柏崎市; Erin — viewer of 柏崎市; Frank — department editor of 総務課 (no
municipality-wide report: 403); Charlie — DX staff of 刈羽村 (every 柏崎市 URL is a 404 for him).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from shinchoku.cycle.services.imports import year_import
from shinchoku.plans.models import Publication
from shinchoku.tenancy.models import Municipality, Role

from .test_report_downloads import _user


@pytest.fixture
def alice(kashiwazaki: Municipality) -> AbstractBaseUser:
    return _user("alice", kashiwazaki, Role.DX_STAFF)


@pytest.fixture
def erin(kashiwazaki: Municipality) -> AbstractBaseUser:
    return _user("erin", kashiwazaki, Role.VIEWER)


@pytest.fixture
def frank(kashiwazaki: Municipality) -> AbstractBaseUser:
    return _user("frank", kashiwazaki, Role.DEPARTMENT_EDITOR, ("総務課",))


@pytest.fixture
def charlie(db: None) -> AbstractBaseUser:
    kariwa = Municipality.objects.create(name="刈羽村")
    return _user("charlie", kariwa, Role.DX_STAFF)


@pytest.fixture
def corrected(kashiwazaki: Municipality, seed_document: Any) -> Publication:
    """The seed's FY2023 corrected by importing a changed report with --replace: version 2."""
    changed = copy.deepcopy(seed_document)
    online = next(p for p in changed["projects"] if p["name"] == "行政手続のオンライン化")
    online["grade"] = "C"
    online["results"] = [*online["results"], "訂正で追記した成果"]
    result = year_import(document=changed, by=None, replace=True, source_file="corrected.txt")
    assert result.publication is not None
    return result.publication


def _versions(city: Municipality) -> str:
    return reverse("documents:report_versions", kwargs={"municipality_id": city.pk, "fiscal_year": 2023})


def _file(city: Municipality, fmt: str, version: int | None = None) -> str:
    url = reverse("documents:report_download", kwargs={"municipality_id": city.pk, "fiscal_year": 2023, "format": fmt})
    return url if version is None else f"{url}?version={version}"


def test_it_lists_the_versions_with_what_changed(
    client: Client, kashiwazaki: Municipality, erin: AbstractBaseUser, corrected: Publication
) -> None:
    client.force_login(erin)
    html = client.get(_versions(kashiwazaki)).content.decode()
    assert "第2版" in html and "第1版" in html and "最初に公表した版です。" in html
    assert "第1版からの変更（正誤表）" in html
    assert "「行政手続のオンライン化」" in html and "訂正で追記した成果" in html
    assert corrected.content_hash in html


def test_it_serves_each_version_and_the_latest_by_default(
    client: Client, kashiwazaki: Municipality, alice: AbstractBaseUser, corrected: Publication
) -> None:
    client.force_login(alice)
    latest = client.get(_file(kashiwazaki, "html"))
    first = client.get(_file(kashiwazaki, "html", 1))
    assert latest.status_code == first.status_code == 200
    assert "訂正で追記した成果" in latest.content.decode()
    assert "訂正で追記した成果" not in first.content.decode()
    assert client.get(_file(kashiwazaki, "html", 2)).content == latest.content
    assert client.get(_file(kashiwazaki, "html", 7)).status_code == 404
    assert client.get(_file(kashiwazaki, "html") + "?version=x").status_code == 404


def test_it_lists_the_versions_on_the_downloads_page_without_building_the_report(
    client: Client, kashiwazaki: Municipality, alice: AbstractBaseUser, corrected: Publication,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(alice)
    url = reverse("documents:report_downloads", kwargs={"municipality_id": kashiwazaki.pk, "fiscal_year": 2023})
    client.get(url)  # the first request after signing in also renews the session
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert "公表した版" in html and "?version=1" in html and "?version=2" in html


def test_it_lets_a_department_editor_read_the_versions_of_a_published_year(
    client: Client, kashiwazaki: Municipality, frank: AbstractBaseUser, corrected: Publication
) -> None:
    # The published report is the municipality's record: departments read it (never a draft, 案).
    client.force_login(frank)
    assert client.get(_versions(kashiwazaki)).status_code == 200
    assert client.get(_file(kashiwazaki, "pdf", 1)).status_code == 200


def test_it_is_a_404_for_another_municipality(
    client: Client, kashiwazaki: Municipality, charlie: AbstractBaseUser, corrected: Publication
) -> None:
    client.force_login(charlie)
    assert client.get(_versions(kashiwazaki)).status_code == 404
    assert client.get(_file(kashiwazaki, "pdf", 1)).status_code == 404
    with scope(municipality=kashiwazaki):
        assert Publication.objects.count() == 2


def test_it_sends_anonymous_users_to_login(client: Client, kashiwazaki: Municipality, corrected: Publication) -> None:
    response = client.get(_versions(kashiwazaki))
    assert response.status_code == 302 and "/login" in response["Location"]
