"""Login (Django auth) and logout (POST only); passwords never end up in URLs."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client


def test_it_shows_a_japanese_login_form(client: Client, db: None) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ja"' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert 'href="#main"' in html  # skip link
    assert "<script" in html and "cdn" not in html.lower()


def test_it_logs_in_with_post_and_keeps_the_password_out_of_the_url(
    client: Client, alice: AbstractBaseUser, password: str
) -> None:
    response = client.post("/login/", {"username": "alice", "password": password})
    assert response.status_code == 302
    assert password not in response["Location"]
    assert response["Location"] == "/"


def test_it_refuses_a_wrong_password_in_japanese(client: Client, alice: AbstractBaseUser) -> None:
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ログインできませんでした" in html
    assert "wrong" not in html


def test_it_logs_out_only_with_post(client: Client, alice: AbstractBaseUser) -> None:
    client.force_login(alice)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
