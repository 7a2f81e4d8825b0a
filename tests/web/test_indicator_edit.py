"""Indicator edit (計画の管理): the indicator's fields and its effective-dated targets per fiscal year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.plans.models import Indicator, IndicatorValue, PlanRevision, Project, ValueKind
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]

LINE = "LINEによる情報発信"
USERS = "公式アカウント追加ユーザー数（累計）"


@pytest.fixture
def indicator(city: Municipality) -> Indicator:
    with scope(municipality=city):
        return Indicator.objects.select_related("project__plan").get(project__plan__municipality=city, name=USERS)


@pytest.fixture
def revision(city: Municipality) -> PlanRevision:
    with scope(municipality=city):
        return PlanRevision.objects.get(plan__municipality=city, revised_on=dt.date(2023, 12, 1))


def url(city: Municipality, indicator: Indicator) -> str:
    return f"/{city.pk}/2024/plan/indicators/{indicator.pk}/"


def details(**changes: str) -> dict[str, str]:
    return {"form": "indicator", "name": USERS, "unit": "人", "direction": "higher", "qualifier": "", "note": "",
            **changes}


def targets(revision: PlanRevision | None, **years: str) -> dict[str, str]:
    data = {"form": "targets", "revision": str(revision.pk) if revision else ""}
    current = {"2022": "7000", "2023": "14000", "2024": "15000"}
    data.update({f"target-{fy}": current.get(str(fy), "") for fy in range(2021, 2026)})
    data.update({f"target-{fy.removeprefix('fy')}": v for fy, v in years.items()})
    return data


def target_rows(city: Municipality, indicator: Indicator, fiscal_year: int) -> list[tuple[Decimal, str | None]]:
    with scope(municipality=city):
        rows = IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.TARGET, fiscal_year=fiscal_year)
        return sorted(
            ((r.value, f"{r.revision.revised_on:%Y-%m}" if r.revision else None) for r in rows.select_related("revision")),
            key=lambda t: t[1] or "",
        )


def audit(city: Municipality, action: str) -> list[AuditEntry]:
    with scope(municipality=city):
        return list(AuditEntry.objects.filter(municipality=city, action=action).order_by("pk"))


def test_it_shows_fields_targets_and_history(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator
) -> None:
    response = login(alice).get(url(city, indicator))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("name", "unit", "qualifier", "note", "revision", "target-2021", "target-2025"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert 'name="direction" value="lower"' in html and "高いほど良い" in html
    assert 'value="15000"' in html
    assert "目標値の履歴" in html and "策定時" in html and "現行" in html


def test_it_saves_the_indicators_fields(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator
) -> None:
    data = details(name="LINE登録者数（累計）", unit="人", direction="higher", qualifier="以上", note="年度末時点")
    response = login(alice).post(url(city, indicator), data, follow=True)
    assert "目標指標「LINE登録者数（累計）」を保存しました" in response.content.decode()
    with scope(municipality=city):
        saved = Indicator.objects.get(pk=indicator.pk)
    assert (saved.name, saved.qualifier, saved.note) == ("LINE登録者数（累計）", "以上", "年度末時点")
    (entry,) = audit(city, "plan.indicator.updated")
    assert entry.before == {"name": USERS, "qualifier": "", "note": ""}


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"name": " "}, "指標名を入力してください。"), ({"direction": "sideways"}, "方向の値が正しくありません。")],
)
def test_it_shows_why_the_fields_were_refused(
    changes: dict[str, str], message: str, login: Login, alice: AbstractBaseUser, city: Municipality,
    indicator: Indicator,
) -> None:
    response = login(alice).post(url(city, indicator), details(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not audit(city, "plan.indicator.updated")


def test_it_records_a_target_change_against_a_revision_and_keeps_the_old_value(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    response = login(alice).post(url(city, indicator), targets(revision, fy2024="16,000"), follow=True)
    html = response.content.decode()
    assert "目標値を1件変更しました（2023年12月の改定として記録）" in html
    assert target_rows(city, indicator, 2024) == [(Decimal("15000"), None), (Decimal("16000"), "2023-12")]
    assert "<s>15,000人</s>" in html and "置き換え済み" in html and "16,000人" in html
    (entry,) = audit(city, "plan.indicator.target.updated")
    assert entry.before == {"fiscal_year": 2024, "value": "15000", "revision": None}
    assert entry.after == {"fiscal_year": 2024, "value": "16000", "revision": "2023-12"}


def test_it_treats_the_same_number_typed_differently_as_no_change(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    response = login(alice).post(url(city, indicator), targets(revision, fy2024="15,000"), follow=True)
    assert "目標値に変更はありませんでした" in response.content.decode()
    assert target_rows(city, indicator, 2024) == [(Decimal("15000"), None)]


def test_it_refuses_a_target_with_words_and_saves_no_year(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    response = login(alice).post(url(city, indicator), targets(revision, fy2024="16000", fy2025="約100"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "「約100」は数値ではありません" in html and 'id="target-2025-error"' in html
    assert 'value="約100"' in html  # the input stays as typed
    assert target_rows(city, indicator, 2024) == [(Decimal("15000"), None)]
    assert target_rows(city, indicator, 2025) == []
    assert not audit(city, "plan.indicator.target.updated")


def test_it_refuses_to_change_a_published_years_target(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    # The city's FY2023 was imported as a published report.
    client = login(alice)
    assert 'id="target-2023" name="target-2023" value="14000" size="12" readonly' in client.get(
        url(city, indicator)
    ).content.decode()
    response = client.post(url(city, indicator), targets(revision, fy2023="15000"))
    assert response.status_code == 400
    assert "公表済みのため、目標値を変更できません" in response.content.decode()
    assert target_rows(city, indicator, 2023) == [(Decimal("14000"), None)]


def test_it_adds_an_indicator(
    login: Login, alice: AbstractBaseUser, city: Municipality, project_named: ProjectNamed
) -> None:
    project = project_named("電子契約システム導入")
    response = login(alice).post(
        f"/{city.pk}/2024/plan/projects/{project.pk}/indicators/new/",
        details(name="電子契約の件数", unit="件", direction="higher"), follow=True,
    )
    assert "目標指標「電子契約の件数」を追加しました" in response.content.decode()
    with scope(municipality=city):
        assert Indicator.objects.get(project=project).unit == "件"
    assert len(audit(city, "plan.indicator.created")) == 1


def test_it_lets_viewers_read_but_not_post(
    login: Login, erin: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    client = login(erin)
    html = client.get(url(city, indicator)).content.decode()
    assert "<fieldset disabled>" in html and "目標値を保存する" not in html
    assert client.post(url(city, indicator), targets(revision, fy2024="1")).status_code == 403
    assert client.post(url(city, indicator), details(name="x")).status_code == 403
    assert target_rows(city, indicator, 2024) == [(Decimal("15000"), None)]


@pytest.mark.parametrize("user", ["bob", "frank", "gina"])
def test_it_is_forbidden_to_department_editors(
    user: str, login: Login, city: Municipality, indicator: Indicator, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(user))  # gina's department owns the project
    assert client.get(url(city, indicator)).status_code == 403
    assert client.post(url(city, indicator), details(name="x")).status_code == 403


def test_it_is_a_404_for_another_municipalitys_member(
    login: Login, charlie: AbstractBaseUser, city: Municipality, indicator: Indicator
) -> None:
    assert login(charlie).get(url(city, indicator)).status_code == 404
    assert login(charlie).post(url(city, indicator), details()).status_code == 404


def test_it_redirects_anonymous_users_to_login(client: Client, city: Municipality, indicator: Indicator) -> None:
    assert client.get(url(city, indicator)).status_code == 302
    assert client.post(url(city, indicator), details()).status_code == 302


def test_it_is_a_404_for_an_unknown_indicator(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    assert login(alice).get(f"/{city.pk}/2024/plan/indicators/999999/").status_code == 404




def test_it_refuses_a_save_over_someone_elses_change(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator
) -> None:
    import re

    from shinchoku.cycle.services import indicator_update

    client = login(alice)
    seen = re.search(r'name="seen" id="seen" value="([0-9a-f]+)"', client.get(url(city, indicator)).content.decode())
    assert seen
    with scope(municipality=city):
        indicator_update(indicator=indicator, by=alice, note="他の人の注記")
    response = client.post(url(city, indicator), details(unit="件", seen=seen.group(1)))
    assert response.status_code == 400
    assert "編集中に他の人がこの目標指標を更新したため、保存していません" in response.content.decode()
    with scope(municipality=city):
        indicator.refresh_from_db()
    assert (indicator.unit, indicator.note) == ("人", "他の人の注記")


def test_it_refuses_targets_saved_over_someone_elses_target_change(
    login: Login, alice: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    import re

    from shinchoku.cycle.services.plan import plan_indicator_targets_set

    client = login(alice)
    page_html = client.get(url(city, indicator)).content.decode()
    seen = re.search(r'name="targets_seen" value="([0-9a-f]+)"', page_html)
    assert seen
    with scope(municipality=city):
        plan_indicator_targets_set(indicator=indicator, targets={2025: "17000"}, revision=revision, by=alice)
    response = client.post(url(city, indicator), {**targets(revision, fy2024="16000"), "targets_seen": seen.group(1)})
    assert response.status_code == 409
    html = response.content.decode()
    assert "編集中に他の人がこの目標指標の目標値を更新したため、保存していません" in html
    assert 'value="16000"' in html  # what the user typed is kept
    assert target_rows(city, indicator, 2024) == [(Decimal("15000"), None)]
    fresh = re.search(r'name="targets_seen" value="([0-9a-f]+)"', html)
    assert fresh and fresh.group(1) != seen.group(1)  # saving again is a deliberate overwrite
    again = client.post(
        url(city, indicator), {**targets(revision, fy2024="16000", fy2025="17000"), "targets_seen": fresh.group(1)}
    )
    assert again.status_code == 302
    assert (Decimal("16000"), "2023-12") in target_rows(city, indicator, 2024)


def test_the_targets_service_keeps_no_year_when_one_is_refused(
    alice: AbstractBaseUser, city: Municipality, indicator: Indicator, revision: PlanRevision
) -> None:
    from shinchoku.cycle.errors import InvalidTargets
    from shinchoku.cycle.services.plan import plan_indicator_targets_set

    with scope(municipality=city), pytest.raises(InvalidTargets) as refused:
        plan_indicator_targets_set(
            indicator=indicator, targets={2024: "16000", 2025: "約100"}, revision=revision, by=alice
        )
    assert set(refused.value.errors) == {2025}
    assert "2025" in refused.value.english
    assert target_rows(city, indicator, 2024) == [(Decimal("15000"), None)]
    assert not audit(city, "plan.indicator.target.updated")
