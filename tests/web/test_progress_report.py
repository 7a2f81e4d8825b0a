"""報告書の編集: DX staff edit the year's report document; what they save is what the generated report shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.documents.render import render_report
from shinchoku.plans.models import Pillar, Plan, PolicyUnderConsideration, ReportingYear
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]

@pytest.fixture(autouse=True)
def reopened_2023(request: pytest.FixtureRequest) -> None:
    """DX staff reopened the city's published FY2023 to correct its document (the published version stays);
    the test of the published year's refusals keeps it published."""
    if "published_year" in request.node.name or "city" not in request.fixturenames:
        return
    from shinchoku.cycle.services import reporting_year_reopen

    city = request.getfixturevalue("city")
    with scope(municipality=city):
        year = ReportingYear.objects.select_related("plan").get(plan__municipality=city, fiscal_year=2023)
    reporting_year_reopen(year=year, by=None, comment="報告書の訂正")


def url(city: Municipality, rest: str = "", fiscal_year: int = 2023) -> str:
    return f"/{city.pk}/{fiscal_year}/document/{rest}"


def _report(city: Municipality, fiscal_year: int = 2023) -> ReportingYear:
    with scope(municipality=city):
        return ReportingYear.objects.get(plan__municipality=city, fiscal_year=fiscal_year)


def _html(city: Municipality, fiscal_year: int = 2023) -> str:
    data, _, _ = render_report(municipality=city, fiscal_year=fiscal_year, format="html")
    return data.decode("utf-8")


def _pillar(city: Municipality, name: str) -> Pillar:
    with scope(municipality=city):
        return Pillar.objects.prefetch_related("policies").get(plan__municipality=city, name=name)


def _items(city: Municipality, fiscal_year: int = 2023) -> list[PolicyUnderConsideration]:
    with scope(municipality=city):
        return list(
            PolicyUnderConsideration.objects.filter(plan__municipality=city, fiscal_year=fiscal_year)
            .select_related("pillar", "policy")
            .order_by("position")
        )


def _add(client: Client, city: Municipality, pillar: str, title: str, text: str = "", policy: str = "") -> Any:
    p = _pillar(city, pillar)
    value = str(p.pk)
    if policy:
        value += f":{p.policies.get(name=policy).pk}"
    return client.post(url(city, "under-consideration/"), {"classification": value, "title": title, "text": text})


def _actions(city: Municipality, prefix: str) -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(action__startswith=prefix).order_by("pk"))


DOCUMENT = {
    "title": "令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）",
    "published_on": "2024-09",
    "sections": "2",
    "narrative-1-heading": "柏崎市DX推進計画",
    "narrative-1-paragraphs": "本市では、令和3（2021）年3月に計画を策定しました。\r\n\r\n  改定では4つの事業を追加しました。  ",
    "narrative-2-heading": "進行管理の方法",
    "narrative-2-paragraphs": "進捗状況の評価は、以下の4段階で示します。",
    "op": "save",
}


# -- who may -------------------------------------------------------------------------------------------------


def test_it_shows_dx_staff_the_page_prefilled(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).get(url(city))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="令和6（2024）年度 柏崎市DX推進計画 進行管理報告書（令和5（2023）年度実績分）"' in html
    assert 'type="month" id="published_on" name="published_on" value="2024-08"' in html
    for field in ("title", "published_on", "uc_classification", "uc_title", "uc_text"):
        assert f'<label for="{field}"' in html
    assert reverse("documents:report_downloads", args=[city.pk, 2023]) in html
    assert "見出しを追加" in html


@pytest.mark.parametrize("who", ["dave", "erin", "bob"])
def test_it_refuses_everyone_but_dx_staff(who: str, request: pytest.FixtureRequest, login: Login, city: Municipality) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(url(city)).status_code == 403
    assert client.post(url(city), DOCUMENT).status_code == 403
    assert _add(client, city, "行政のDX", "新しい施策").status_code == 403
    assert _report(city).published_on.month == 8 and _items(city) == []


def test_it_hides_the_city_from_another_municipality(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    client = login(charlie)
    assert client.get(url(city)).status_code == 404
    assert client.post(url(city), DOCUMENT).status_code == 404


def test_it_sends_anonymous_users_to_the_login(client: Client, city: Municipality) -> None:
    response = client.get(url(city))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_links_the_page_from_the_cycle_page_for_dx_staff_only(
    login: Login, alice: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality
) -> None:
    assert f'href="{url(city)}">報告書の編集</a>' in login(alice).get(f"/{city.pk}/2023/cycle/").content.decode()
    assert "報告書の編集" not in login(dave).get(f"/{city.pk}/2023/cycle/").content.decode()


# -- the document --------------------------------------------------------------------------------------------


def test_it_saves_the_document_and_the_report_shows_it(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    response = login(alice).post(url(city), DOCUMENT)
    assert response.status_code == 302 and response["Location"] == url(city)
    report = _report(city)
    assert report.published_on.isoformat() == "2024-09-01"
    assert report.narrative == [
        {"heading": "柏崎市DX推進計画",
         "paragraphs": ["本市では、令和3（2021）年3月に計画を策定しました。", "改定では4つの事業を追加しました。"]},
        {"heading": "進行管理の方法", "paragraphs": ["進捗状況の評価は、以下の4段階で示します。"]},
    ]
    [entry] = _actions(city, "report.document.")
    assert entry.action == "report.document.updated" and entry.actor == alice
    html = _html(city)
    assert "改定では4つの事業を追加しました。" in html and "進行管理の方法" in html and "令和6（2024）年9月" in html
    page = login(alice).get(url(city)).content.decode()
    assert "報告書の内容を保存しました。" in page and 'value="2024-09"' in page


def test_it_adds_and_removes_sections_without_saving(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    client = login(alice)
    added = client.post(url(city), {**DOCUMENT, "op": "add_section"})
    assert added.status_code == 200
    html = added.content.decode()
    assert 'for="narrative-3-heading"' in html and 'name="sections" value="3"' in html and "まだ保存されていません" in html
    removed = client.post(url(city), {**DOCUMENT, "op": "remove:1"}).content.decode()
    assert 'id="narrative-1-heading" name="narrative-1-heading" value="進行管理の方法"' in removed
    assert 'value="柏崎市DX推進計画"' not in removed and 'name="sections" value="1"' in removed
    assert _report(city).narrative == [] and _actions(city, "report.document.") == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "表題を入力してください。"),
        ({"published_on": "来年の夏"}, "published_on", "公表年月を正しく入力してください（例：2024-08）。"),
        ({"narrative-2-heading": ""}, "narrative-2-heading", "見出し（2）を入力してください。"),
    ],
)
def test_it_shows_validation_errors_next_to_the_field(
    change: dict[str, str], field: str, message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = login(alice).post(url(city), {**DOCUMENT, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="field-error" id="{field}_error">{message}</p>' in html
    assert f'href="#{field}"' in html  # the summary links to the field
    assert _report(city).published_on.month == 8 and _actions(city, "report.document.") == []


def test_it_refuses_changes_to_a_published_year(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    before = _items(city, 2023)
    page = client.get(url(city, fiscal_year=2023)).content.decode()
    assert "公表済みのため、報告書の内容は変更できません" in page and "表紙と本文を保存する" not in page
    response = client.post(url(city, fiscal_year=2023), {**DOCUMENT, "title": "変更"})
    assert response.status_code == 400 and "公表済みのため、報告書を変更できません" in response.content.decode()
    assert _report(city, 2023).title != "変更"
    pillar = _pillar(city, "行政のDX")
    response = client.post(
        url(city, "under-consideration/", 2023), {"classification": pillar.pk, "title": "新しい施策", "text": ""}
    )
    assert response.status_code == 400 and "公表済み" in response.content.decode()
    assert _items(city, 2023) == before


# -- policies under consideration -----------------------------------------------------------------------------


def test_it_adds_a_policy_under_consideration_that_the_report_shows(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    response = _add(
        login(alice), city, "暮らしのDX", "粗大ごみ受付システム",
        "他自治体の事例について情報収集を始めました。\n", policy="行政サービスのオンライン化",
    )
    [item] = _items(city)
    assert response.status_code == 302 and response["Location"] == url(city) + f"#uc-{item.pk}"
    assert (item.pillar.name, item.policy.name, item.text) == (
        "暮らしのDX", "行政サービスのオンライン化", ["他自治体の事例について情報収集を始めました。"]
    )
    assert [e.action for e in _actions(city, "plan.under_consideration.")] == ["plan.under_consideration.created"]
    html = _html(city)
    assert "個別事業計画を検討中の施策" in html and "行政サービスのオンライン化：粗大ごみ受付システム" in html
    page = login(alice).get(url(city)).content.decode()
    assert 'id="uc-' in page and "粗大ごみ受付システム" in page


@pytest.mark.parametrize(
    ("classification", "title", "field", "message"),
    [
        ("", "名称あり", "classification", "柱・施策を選んでください。"),
        ("pillar", "  ", "title", "名称を入力してください。"),
    ],
)
def test_it_shows_errors_of_the_add_form_next_to_the_field(
    classification: str, title: str, field: str, message: str, login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    value = str(_pillar(city, "行政のDX").pk) if classification == "pillar" else classification
    response = login(alice).post(url(city, "under-consideration/"), {"classification": value, "title": title})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="uc_{field}_error" role="alert">{message}</p>' in html
    assert _items(city) == []


def test_it_edits_moves_and_deletes_a_policy_under_consideration(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    _add(client, city, "行政のDX", "DX人材育成指針の作成", "検討を始めました。")
    _add(client, city, "行政のDX", "庁内チャットの導入", "試行しました。")
    first, second = _items(city)

    form = client.get(url(city, f"under-consideration/{first.pk}/")).content.decode()
    assert 'value="DX人材育成指針の作成"' in form and "検討を始めました。</textarea>" in form
    response = client.post(
        url(city, f"under-consideration/{first.pk}/"),
        {"classification": str(first.pillar_id), "title": "DX人材育成指針の作成", "text": "指針の素案を作成しました。"},
    )
    assert response.status_code == 302
    assert "指針の素案を作成しました。" in _html(city)

    duplicate = client.post(
        url(city, f"under-consideration/{second.pk}/"),
        {"classification": str(second.pillar_id), "title": "DX人材育成指針の作成", "text": ""},
    )
    assert duplicate.status_code == 400
    assert "「行政のDX」に「DX人材育成指針の作成」は既にあります。" in duplicate.content.decode()

    assert client.post(url(city, f"under-consideration/{second.pk}/move/"), {"direction": "up"}).status_code == 302
    assert [i.title for i in _items(city)] == ["庁内チャットの導入", "DX人材育成指針の作成"]
    html = _html(city)
    assert html.index("庁内チャットの導入") < html.index("DX人材育成指針の作成")

    assert client.post(url(city, f"under-consideration/{second.pk}/delete/")).status_code == 302
    assert [i.title for i in _items(city)] == ["DX人材育成指針の作成"]
    assert "庁内チャットの導入" not in _html(city)
    assert [e.action.rsplit(".", 1)[1] for e in _actions(city, "plan.under_consideration.")] == [
        "created", "created", "updated", "moved", "deleted"
    ]


def test_it_refuses_items_of_another_year_and_get_on_post_only_urls(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    client = login(alice)
    _add(client, city, "行政のDX", "DX人材育成指針の作成")
    [item] = _items(city)
    assert client.get(url(city, f"under-consideration/{item.pk}/", 2024)).status_code == 404
    assert client.get(url(city, f"under-consideration/{item.pk}/delete/")).status_code == 405
    assert _items(city) == [item]


def test_it_refuses_other_roles_on_the_item_urls(
    login: Login, alice: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality
) -> None:
    _add(login(alice), city, "行政のDX", "DX人材育成指針の作成")
    [item] = _items(city)
    client = login(dave)
    assert client.get(url(city, f"under-consideration/{item.pk}/")).status_code == 403
    assert client.post(url(city, f"under-consideration/{item.pk}/delete/")).status_code == 403
    assert client.post(url(city, f"under-consideration/{item.pk}/move/"), {"direction": "up"}).status_code == 403
    assert _items(city) == [item]


def test_it_plans_the_new_year_from_last_years_items(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    _add(login(alice), city, "行政のDX", "DX人材育成指針の作成", "検討を始めました。")
    with scope(municipality=city):
        plan = Plan.objects.get(municipality=city)
    login(alice).post(f"/{city.pk}/2024/cycle/open/", {"due_date": "2025-05-31"})
    [copied] = _items(city, 2024)
    assert (copied.title, copied.text) == ("DX人材育成指針の作成", ["検討を始めました。"])
    assert copied.plan_id == plan.pk
    assert "DX人材育成指針の作成" in login(alice).get(url(city, fiscal_year=2024)).content.decode()


def test_it_refuses_a_document_save_over_someone_elses_change(
    login: Login, alice: AbstractBaseUser, city: Municipality
) -> None:
    import re

    from shinchoku.cycle.services import progress_report_update

    client = login(alice)
    seen = re.search(r'name="seen" id="seen" value="([0-9a-f]+)"', client.get(url(city)).content.decode())
    assert seen
    report = _report(city)
    with scope(municipality=city):
        progress_report_update(
            progress_report=report, by=alice, title="他の人の表題", published_on=report.published_on,
            narrative=report.narrative,
        )
    response = client.post(url(city), {**DOCUMENT, "seen": seen.group(1)})
    assert response.status_code == 400
    assert "編集中に他の人が報告書の表題・公表年月・本文を更新したため" in response.content.decode()
    assert _report(city).title == "他の人の表題"
