"""The Content-Security-Policy: the app's own origin only, no inline script or style, and templates that keep to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
SHINCHOKU = Path(__file__).resolve().parents[2] / "shinchoku"


def directives(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in (p.strip() for p in header.split(";")) if part}


def test_it_sends_the_policy_to_anonymous_visitors(client: Client) -> None:
    policy = directives(client.get("/login/")["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


def test_it_sends_the_policy_on_the_dashboard(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).get(f"/{city.pk}/")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"])["script-src"] == "'self'"


def test_it_gives_the_html_report_a_sandboxed_policy_of_its_own(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).get(f"/{city.pk}/reports/2023/html")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'none'" and policy["default-src"] == "'none'"
    assert "sandbox" in policy
    assert policy["style-src"] == "'unsafe-inline'"  # its own <style>, as a standalone file needs


def test_it_keeps_templates_free_of_what_the_policy_forbids() -> None:
    """An inline style="" or <script> body would silently not work under the policy; catch it here instead."""
    offenders = []
    for template in SHINCHOKU.glob("*/templates/**/*.html"):
        if "documents/templates" in str(template):
            continue  # the HTML report is a standalone document with its own policy
        text = template.read_text(encoding="utf-8")
        for pattern in (r'\sstyle="', r"<style", r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", r"\son[a-z]+=\""):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(SHINCHOKU)}: {pattern}")
    assert not offenders
