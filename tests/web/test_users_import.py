"""利用者のCSV取込み: upload → checked preview (nothing written) → confirm, all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services.users_import import users_csv_export
from shinchoku.tenancy.models import Membership, Municipality

Login = Callable[[AbstractBaseUser], Client]

GOOD = (
    "login,name,e-mail,role,departments\n"
    "sato,佐藤 花子,sato@example.org,担当部署,総務課、企画政策課\n"
    "suzuki,鈴木 一郎,suzuki@example.org,hq_reviewer,\n"
    "bob,企画 ボブ,bob@example.org,department_editor,企画政策課\n"
)
BAD = (
    "login,name,e-mail,role,departments\n"
    "sato,佐藤 花子,sato@example.org,担当部署,総務課\n"
    "tanaka,田中 次郎,tanaka@example.org,部長,\n"
)


def upload(client: Client, city: Municipality, text: str, encoding: str = "utf-8") -> Any:
    data = SimpleUploadedFile("users.csv", text.encode(encoding), content_type="text/csv")
    return client.post(f"/{city.pk}/users/import/", {"file": data})


def logins() -> set[str]:
    return set(get_user_model().objects.values_list("username", flat=True))


def test_it_previews_every_row_and_writes_nothing_yet(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    before = logins()
    html = upload(login(alice), city, GOOD).content.decode()
    assert "取込みの内容の確認" in html
    assert "新規 2人、変更 1人、変更なし 0人" in html
    assert "佐藤 花子" in html and "総務課、企画政策課" in html and "氏名" in html
    assert logins() == before and not mail.outbox


def test_it_imports_on_confirmation_in_one_go(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    upload(client, city, GOOD)
    response = client.post(f"/{city.pk}/users/import/", {"confirm": "1", "csv_text": GOOD, "file_name": "users.csv"})
    assert response.status_code == 302
    assert {"sato", "suzuki"} <= logins()
    assert get_user_model().objects.get(username="bob").last_name == "企画"
    assert sorted(m.to[0] for m in mail.outbox) == ["sato@example.org", "suzuki@example.org"]
    with scope(municipality=city):
        sato = Membership.objects.get(user__username="sato", municipality=city)
        assert {d.name for d in sato.departments.all()} == {"総務課", "企画政策課"}
        summary = AuditEntry.objects.get(action="user.imported")
    assert summary.after == {"file": "users.csv", "new": 2, "changed": 1, "unchanged": 0}


def test_it_reports_a_bad_line_in_japanese_and_writes_nothing(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    before = logins()
    response = upload(client, city, BAD)
    assert response.status_code == 400
    assert "3行目：役割「部長」はありません" in response.content.decode()
    # Even a forged confirmation with the bad text writes nothing.
    assert client.post(f"/{city.pk}/users/import/", {"confirm": "1", "csv_text": BAD}).status_code == 400
    assert logins() == before and not mail.outbox


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_it_reads_a_bom_and_shift_jis(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality, encoding: str
) -> None:
    html = upload(login(alice), city, GOOD, encoding).content.decode()
    assert "佐藤 花子" in html and "新規 2人" in html


def test_it_updates_on_reimport_instead_of_duplicating(
    login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    client.post(f"/{city.pk}/users/import/", {"confirm": "1", "csv_text": GOOD})
    changed = GOOD.replace("suzuki@example.org,hq_reviewer", "suzuki@example.org,閲覧者")
    assert "新規 0人、変更 1人、変更なし 2人" in upload(client, city, changed).content.decode()
    client.post(f"/{city.pk}/users/import/", {"confirm": "1", "csv_text": changed})
    assert get_user_model().objects.filter(username="suzuki").count() == 1
    with scope(municipality=city):
        assert list(Membership.objects.filter(user__username="suzuki").values_list("role", flat=True)) == ["viewer"]


def test_it_round_trips_the_export(login: Login, alice: AbstractBaseUser, bob: AbstractBaseUser, city: Municipality) -> None:
    text = users_csv_export(municipality=city)
    assert "bob,,bob@example.org,department_editor,企画政策課" in text
    html = upload(login(alice), city, text.replace("bob,,", "bob,企画 ボブ,")).content.decode()
    assert "変更 1人" in html  # only the name that was added


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_it_refuses_everyone_but_dx_staff(login: Login, city: Municipality, name: str, request: Any) -> None:
    client = login(request.getfixturevalue(name))
    assert upload(client, city, GOOD).status_code == 403
    assert client.post(f"/{city.pk}/users/import/", {"confirm": "1", "csv_text": GOOD}).status_code == 403
    assert "sato" not in logins()


def test_it_is_a_404_for_charlie(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    client = login(charlie)
    assert client.post(f"/{city.pk}/users/import/", {"confirm": "1", "csv_text": GOOD}).status_code == 404
    assert "sato" not in logins()
