"""次期計画の開始: a new plan period carrying over the continuing projects; both plans kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import CommandError, call_command
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import reporting_year_open
from shinchoku.plans.models import Indicator, IndicatorValue, Plan, Project, ProjectReport, ValueKind
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
KEIYAKU = "電子契約システム導入"


def url(city: Municipality) -> str:
    return f"/{city.pk}/2026/plan/next/"


def plans(city: Municipality) -> list[tuple[str, int, int]]:
    with scope(municipality=city):
        return list(
            Plan.objects.filter(municipality=city).order_by("start_fiscal_year")
            .values_list("name", "start_fiscal_year", "end_fiscal_year")
        )


def old_plan(city: Municipality) -> Plan:
    with scope(municipality=city):
        return Plan.objects.filter(municipality=city).order_by("start_fiscal_year").first()  # type: ignore[return-value]


def test_the_year_without_a_plan_offers_to_start_the_next(login: Login, alice: AbstractBaseUser, erin: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(f"/{city.pk}/2026/").content.decode()
    assert "この年度を含む計画がありません。" in html and url(city) in html
    assert url(city) not in login(erin).get(f"/{city.pk}/2026/").content.decode()


def test_it_shows_the_form_with_the_running_projects_chosen(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    html = login(alice).get(url(city)).content.decode()
    assert "次期計画の開始" in html
    assert '<option value="2026" selected>' in html and '<option value="2030" selected>' in html
    with scope(municipality=city):
        keiyaku = Project.objects.get(plan__municipality=city, name=KEIYAKU)
    assert f'id="project-{keiyaku.pk}" name="projects" value="{keiyaku.pk}" checked' in html


def test_it_starts_the_next_plan_and_keeps_the_old_one(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    previous = old_plan(city)
    with scope(municipality=city):
        keiyaku = Project.objects.get(plan=previous, name=KEIYAKU)
        indicator = Indicator.objects.filter(project__plan=previous).first()
        assert indicator is not None
        IndicatorValue.objects.create(indicator=indicator, kind=ValueKind.TARGET, fiscal_year=2026, value=Decimal("42"))
        carried = list(Project.objects.filter(plan=previous).exclude(pk=keiyaku.pk).order_by("position"))
        old_reports = ProjectReport.objects.filter(project__plan=previous).count()
    response = login(alice).post(
        url(city), {"name": "第2次柏崎市DX推進計画", "start": "2026", "end": "2030",
                    "projects": [str(p.pk) for p in carried]},
    )
    assert response.status_code == 302 and response["Location"] == f"/{city.pk}/2026/plan/"
    assert plans(city)[-1] == ("第2次柏崎市DX推進計画", 2026, 2030)
    with scope(municipality=city):
        new = Plan.objects.get(municipality=city, name="第2次柏崎市DX推進計画")
        names = list(Project.objects.filter(plan=new).order_by("position").values_list("name", flat=True))
        assert names == [p.name for p in carried]
        assert Project.objects.get(plan=new, name=indicator.project.name).continued_from_id == indicator.project_id
        copy = Indicator.objects.get(continued_from=indicator)
        assert (copy.name, copy.unit, copy.direction) == (indicator.name, indicator.unit, indicator.direction)
        assert list(copy.values.values_list("fiscal_year", "value")) == [(2026, Decimal("42"))]
        assert [p.name for p in new.pillars.order_by("position")] == [p.name for p in previous.pillars.order_by("position")]
        # The old plan, its reports and its years are untouched.
        assert Project.objects.filter(plan=previous).count() == len(carried) + 1
        assert ProjectReport.objects.filter(project__plan=previous).count() == old_reports
        (entry,) = AuditEntry.objects.filter(action="plan.created")
    assert entry.after["projects_carried"] == len(carried)
    # The new plan's first year is one the cycle can open.
    html = login(alice).get(f"/{city.pk}/2026/plan/").content.decode()
    assert "第2次柏崎市DX推進計画" in html and KEIYAKU not in html
    with scope(municipality=city):
        year = reporting_year_open(plan=new, fiscal_year=2026, due_date=dt.date(2027, 5, 31), by=alice)
        assert ProjectReport.objects.filter(reporting_year=year).count() == len(carried)
    # The old plan's years still resolve to it.
    assert "第2次" not in login(alice).get(f"/{city.pk}/2024/plan/").content.decode()


def test_it_refuses_a_bad_period_or_name_and_writes_nothing(login: Login, alice: AbstractBaseUser, city: Municipality) -> None:
    client = login(alice)
    previous = old_plan(city)
    response = client.post(url(city), {"name": previous.name, "start": "2026", "end": "2030"})
    assert response.status_code == 400 and "はすでにあります" in response.content.decode()
    response = client.post(url(city), {"name": "次の計画", "start": "2026", "end": "2024"})
    assert response.status_code == 400 and "終了年度は開始年度以降にしてください。" in response.content.decode()
    response = client.post(url(city), {"name": "次の計画", "start": str(previous.start_fiscal_year), "end": "2030"})
    assert response.status_code == 400 and "以降にしてください" in response.content.decode()
    assert len(plans(city)) == 1


@pytest.mark.parametrize("user", ["bob", "dave", "erin"])
def test_it_is_forbidden_to_everyone_but_dx_staff(request: pytest.FixtureRequest, login: Login, city: Municipality, user: str) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city)).status_code == 403
    assert client.post(url(city), {"name": "乗っ取り", "start": "2026", "end": "2030"}).status_code == 403
    assert len(plans(city)) == 1


def test_it_is_a_404_for_another_municipalitys_member(login: Login, charlie: AbstractBaseUser, city: Municipality) -> None:
    client = login(charlie)
    assert client.get(url(city)).status_code == 404
    assert client.post(url(city), {"name": "乗っ取り", "start": "2026", "end": "2030"}).status_code == 404
    assert len(plans(city)) == 1


def test_the_command_starts_the_next_plan(city: Municipality, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("start-next-plan", "--municipality", city.name, "--name", "第2次計画", "--start", "2026", "--end", "2030",
                 "--project", KEIYAKU)
    assert "1 projects carried over" in capsys.readouterr().out
    assert plans(city)[-1] == ("第2次計画", 2026, 2030)


def test_the_command_refuses_in_english_with_exit_2(city: Municipality) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("start-next-plan", "--municipality", city.name, "--name", "第2次計画", "--start", "2026",
                     "--end", "2020")
    assert refused.value.returncode == 2 and "the last fiscal year comes before the first" in str(refused.value)
    with pytest.raises(CommandError, match="has no project named"):
        call_command("start-next-plan", "--municipality", city.name, "--name", "第2次計画", "--start", "2026",
                     "--end", "2030", "--project", "架空の事業")
    assert len(plans(city)) == 1
