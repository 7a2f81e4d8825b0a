"""利用者の編集: roles, departments, name and e-mail of the municipality's users (other cities' roles untouched)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope, scopes_disabled

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Department, Membership, Municipality, Role

Login = Callable[[AbstractBaseUser], Client]


def dept(city: Municipality, name: str) -> str:
    with scope(municipality=city):
        return str(Department.objects.get(municipality=city, name=name).pk)


def test_it_shows_the_form_filled_in(login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(f"/{city.pk}/users/{bob.pk}/").content.decode()
    assert "利用者の編集（bob）" in html and 'value="bob@example.org"' in html
    assert 'value="department_editor" checked' in html


def test_it_changes_roles_departments_name_and_email(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(f"/{city.pk}/users/{bob.pk}/", {
        "name": "企画 ボブ", "email": "bob2@example.org", "roles": ["department_editor", "viewer"],
        "departments": [dept(city, "総務課"), dept(city, "企画政策課")],
    })
    assert response.status_code == 302
    bob = get_user_model().objects.get(pk=bob.pk)
    assert (bob.last_name, bob.email) == ("企画", "bob2@example.org")
    with scope(municipality=city):
        roles = set(Membership.objects.filter(user=bob, municipality=city).values_list("role", flat=True))
        editor = Membership.objects.get(user=bob, municipality=city, role=Role.DEPARTMENT_EDITOR)
        assert {d.name for d in editor.departments.all()} == {"総務課", "企画政策課"}
        entry = AuditEntry.objects.get(action="user.updated")
    assert roles == {"department_editor", "viewer"}
    assert entry.before["email"] == "bob@example.org" and entry.after["email"] == "bob2@example.org"


def test_it_keeps_alice_from_removing_her_own_dx_role(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(f"/{city.pk}/users/{alice.pk}/", {
        "name": "DX担当 アリス", "email": "alice@example.org", "roles": ["viewer"],
    })
    assert response.status_code == 400 and "ご自身のDX担当の役割は外せません" in response.content.decode()


def test_it_is_a_404_for_a_user_of_another_municipality(
    login: Login, alice: AbstractBaseUser, charlie: AbstractBaseUser, city: Municipality
) -> None:
    assert login(alice).get(f"/{city.pk}/users/{charlie.pk}/").status_code == 404
    response = login(alice).post(f"/{city.pk}/users/{charlie.pk}/", {"name": "x", "email": "x@example.org", "roles": ["viewer"]})
    assert response.status_code == 404
    with scopes_disabled():
        assert not Membership.objects.filter(user=charlie, role=Role.VIEWER).exists()


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_it_refuses_everyone_but_dx_staff(login: Login, erin: AbstractBaseUser, city: Municipality, name: str, request: Any) -> None:
    response = login(request.getfixturevalue(name)).post(
        f"/{city.pk}/users/{erin.pk}/", {"name": "x", "email": "x@example.org", "roles": ["dx_staff"]}
    )
    assert response.status_code == 403
    with scope(municipality=city):
        assert not Membership.objects.filter(user=erin, role=Role.DX_STAFF).exists()


def test_it_is_a_404_for_charlie(login: Login, charlie: AbstractBaseUser, erin: AbstractBaseUser, city: Municipality) -> None:
    assert login(charlie).get(f"/{city.pk}/users/{erin.pk}/").status_code == 404
