"""Report downloads on the web: members of the municipality download, others get 404, anonymous → login.

Named users: Alice — DX staff of 柏崎市; Erin — viewer of 柏崎市; Frank — department editor of 総務課 (no
municipality-wide report of an open year: 403; the published year: yes); Charlie — DX staff of 刈羽村 (every 柏崎市 URL is a 404 for him).
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.services import reporting_year_reopen
from shinchoku.plans.models import ReportingYear
from shinchoku.tenancy.models import Department, Membership, Municipality, Role


def _user(
    username: str, municipality: Municipality, role: Role, departments: tuple[str, ...] = ()
) -> AbstractBaseUser:
    with scopes_disabled():
        user = get_user_model().objects.create_user(username=username, password="x-" + username * 3)
        membership = Membership.objects.create(user=user, municipality=municipality, role=role)
        if departments:
            membership.departments.set(
                Department.objects.filter(municipality=municipality, name__in=departments)
            )
    return user


@pytest.fixture
def alice(kashiwazaki: Municipality) -> AbstractBaseUser:
    return _user("alice", kashiwazaki, Role.DX_STAFF)


@pytest.fixture
def charlie(db: None) -> AbstractBaseUser:
    with scopes_disabled():
        kariwa = Municipality.objects.create(name="刈羽村")
    return _user("charlie", kariwa, Role.DX_STAFF)


def _page(city: Municipality, year: int = 2023) -> str:
    return reverse("documents:report_downloads", kwargs={"municipality_id": city.pk, "fiscal_year": year})


def _file(city: Municipality, fmt: str, year: int = 2023) -> str:
    return reverse(
        "documents:report_download", kwargs={"municipality_id": city.pk, "fiscal_year": year, "format": fmt}
    )


def test_it_lists_the_four_formats_for_alice(
    client: Client, kashiwazaki: Municipality, alice: AbstractBaseUser
) -> None:
    client.force_login(alice)
    response = client.get(_page(kashiwazaki))
    assert response.status_code == 200
    body = response.content.decode()
    assert "進行管理報告書のダウンロード" in body and "令和5（2023）年度実績分" in body
    for fmt, label in (("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel"), ("html", "HTML")):
        assert f'href="{_file(kashiwazaki, fmt)}"' in body and f"{label}をダウンロード" in body
    index = client.get(reverse("documents:index", kwargs={"municipality_id": kashiwazaki.pk}))
    assert index.status_code == 302 and index["Location"] == _page(kashiwazaki)


@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK"), ("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF-")])
def test_it_lets_alice_download(
    client: Client, kashiwazaki: Municipality, alice: AbstractBaseUser, fmt: str, magic: bytes
) -> None:
    client.force_login(alice)
    response = client.get(_file(kashiwazaki, fmt))
    assert response.status_code == 200
    assert response.content.startswith(magic)
    disposition = unquote(response["Content-Disposition"])
    assert (
        disposition.startswith("attachment;")
        and f"柏崎市DX推進計画_進行管理報告書_2023年度実績.{fmt}" in disposition
    )
    assert response["Cache-Control"] == "private, no-store"


def test_it_lets_a_viewer_and_a_department_editor_read_the_published_year(
    client: Client, kashiwazaki: Municipality
) -> None:
    client.force_login(_user("erin", kashiwazaki, Role.VIEWER))
    assert client.get(_file(kashiwazaki, "html")).status_code == 200
    client.force_login(_user("frank", kashiwazaki, Role.DEPARTMENT_EDITOR, ("総務課",)))
    assert client.get(_page(kashiwazaki)).status_code == 200
    assert client.get(_file(kashiwazaki, "html")).status_code == 200
    index = client.get(reverse("documents:index", kwargs={"municipality_id": kashiwazaki.pk}))
    assert index.status_code == 302 and index["Location"] == _page(kashiwazaki)


def test_it_refuses_a_department_editor_the_draft_of_an_open_year(
    client: Client, kashiwazaki: Municipality
) -> None:
    with scope(municipality=kashiwazaki):
        year = ReportingYear.objects.get(fiscal_year=2023)
    reporting_year_reopen(year=year, by=None, comment="訂正のため")
    client.force_login(_user("frank", kashiwazaki, Role.DEPARTMENT_EDITOR, ("総務課",)))
    assert client.get(_page(kashiwazaki)).status_code == 403
    assert client.get(_file(kashiwazaki, "html")).status_code == 403
    assert client.get(_file(kashiwazaki, "html") + "?version=1").status_code == 403


def test_it_is_a_404_for_charlie_of_another_municipality(
    client: Client, kashiwazaki: Municipality, charlie: AbstractBaseUser
) -> None:
    client.force_login(charlie)
    assert client.get(_page(kashiwazaki)).status_code == 404
    assert client.get(_file(kashiwazaki, "pdf")).status_code == 404
    assert (
        client.get(reverse("documents:index", kwargs={"municipality_id": kashiwazaki.pk})).status_code == 404
    )


def test_it_sends_anonymous_users_to_the_login_page(client: Client, kashiwazaki: Municipality) -> None:
    for url in (_page(kashiwazaki), _file(kashiwazaki, "pdf")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_it_is_a_404_for_unknown_formats_and_years(
    client: Client, kashiwazaki: Municipality, alice: AbstractBaseUser
) -> None:
    client.force_login(alice)
    assert client.get(_file(kashiwazaki, "odt")).status_code == 404
    assert client.get(_page(kashiwazaki, 2030)).status_code == 404
    assert client.get(_file(kashiwazaki, "html", 2024)).status_code == 404
