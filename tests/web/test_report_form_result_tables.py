"""The 「成果の表」 editor of the department form: small tables printed among the results (certificate counts)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django_scopes import scope

from shinchoku.cycle.services import report_save
from shinchoku.plans.models import Project, ProjectReport, ResultTable
from shinchoku.tenancy.models import Municipality

Login = Callable[[AbstractBaseUser], Client]
ProjectNamed = Callable[[str], Project]
ReportOf = Callable[..., ProjectReport]

KOTSU = "新交通システムの構築"  # 企画政策課: Bob edits it
RESULTS = ["らくらく窓口証明書交付サービスに戸籍証明書を追加しました。", "引越しワンストップサービスを開始しました。"]
# The seed's 窓口手続の簡素化 counts, typed as people type them (separators, full-width digits).
COUNTS = [("住民票", "2,885"), ("印鑑証明", "３，２７５"), ("戸籍全部事項証明", "1530"), ("戸籍個人事項証明", "276"), ("戸籍の附票", "45")]


def url(city: Municipality, project: Project, fiscal_year: int = 2024) -> str:
    return f"/{city.pk}/{fiscal_year}/projects/{project.pk}/report/"


def table_fields(t: int, rows: list[tuple[str, str]], *, after: int = 0, unit: str = "件",
                 total: tuple[str, str] = ("計", "")) -> dict[str, Any]:
    return {
        f"rt-{t}-after": after,
        f"rt-{t}-label": [label for label, _ in rows],
        f"rt-{t}-value": [value for _, value in rows],
        f"rt-{t}-unit": [unit] * len(rows),
        f"rt-{t}-total-label": total[0],
        f"rt-{t}-total-value": total[1],
        f"rt-{t}-total-unit": unit,
    }


def form(report: ProjectReport, *tables: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": report.version,
        "results": RESULTS,
        "challenges": ["課題を整理します。"],
        "next_year": ["課題解決法を検討します。"],
        "comment": "",
        "action": "save",
        "rt-present": "1",
        "rt-count": len(tables),
    }
    for table in tables:
        data.update(table)
    data.update(overrides)
    return data


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with that id."""
    start = html.rindex("<", 0, html.index(f'id="{element_id}"'))
    return html[start : html.index(">", start) + 1]


def stored_tables(city: Municipality, report: ProjectReport) -> list[tuple[int, list[tuple[str, Decimal, str, bool]]]]:
    with scope(municipality=city):
        return [
            (t.after_item, [(r.label, r.value, r.unit, r.is_total) for r in t.rows.all()])
            for t in ResultTable.objects.filter(report=report).prefetch_related("rows").order_by("position")
        ]


@pytest.fixture
def kotsu(project_named: ProjectNamed) -> Project:
    return project_named(KOTSU)


@pytest.fixture
def report(year_2024: Any, report_of: ReportOf) -> ProjectReport:
    return report_of(KOTSU)


def test_it_saves_a_table_with_its_rows_and_total(
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport, report_of: ReportOf
) -> None:
    response = login(bob).post(url(city, kotsu), form(report, table_fields(0, COUNTS, total=("計", "8,011"))))
    assert response.status_code == 302
    [(after, rows)] = stored_tables(city, report)
    assert after == 0
    assert rows[0] == ("住民票", Decimal("2885"), "件", False)
    assert rows[1][:2] == ("印鑑証明", Decimal("3275"))
    assert rows[-1] == ("計", Decimal("8011"), "件", True) and len(rows) == 6
    assert report_of(KOTSU).version > report.version


def test_it_shows_the_stored_tables_prefilled_with_a_label_on_every_input(
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport
) -> None:
    with scope(municipality=city):
        report_save(report=report, by=bob, expected_version=report.version, results=RESULTS,
                    result_tables=[{"after": 1, "rows": [{"label": "転出届", "value": "300", "unit": "件"},
                                                         {"label": "転入届", "value": "189", "unit": "件"}],
                                    "total": {"label": "計", "value": "489", "unit": "件"}}])
    html = login(bob).get(url(city, kotsu)).content.decode()
    assert "<legend>成果の表</legend>" in html and "<legend>表1</legend>" in html
    assert 'value="転出届"' in html and 'value="300"' in html and 'value="489"' in html
    assert '<option value="1" selected>2件目の後：引越しワンストップサービスを開始しました…</option>' in html
    assert '<option value="-1">先頭（1件目の前）</option>' in html
    for field_id, label in [("rt-0-label-1", "表1 行2 項目名"), ("rt-0-value-0", "表1 行1 値"), ("rt-0-unit-1", "表1 行2 単位"),
                            ("rt-0-total-value", "表1 合計行 値（任意）"), ("rt-0-after", "表1の位置")]:
        assert f'for="{field_id}">{label}' in html and f'id="{field_id}"' in html
    assert 'value="rt:addrow:0"' in html and 'value="rt:removerow:0:1"' in html
    assert 'value="rt:remove:0"' in html and 'value="rt:add"' in html


def test_it_adds_and_removes_rows_and_tables_without_saving(
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport, report_of: ReportOf
) -> None:
    client = login(bob)
    typed = table_fields(0, [("住民票", "2,885"), ("印鑑証明", "約3000")])  # not a number yet: no error, nothing saved

    response = client.post(url(city, kotsu), form(report, typed, op="rt:addrow:0"))
    html = response.content.decode()
    assert response.status_code == 200 and "保存できませんでした" not in html
    assert 'id="rt-0-label-2"' in html and 'value="約3000"' in html
    assert "成果の表を変更しました。まだ保存されていません。" in html
    assert "autofocus" in tag(html, "rt-0-label-2")  # the new row's first input

    html = client.post(url(city, kotsu), form(report, typed, op="rt:removerow:0:0")).content.decode()
    assert 'value="住民票"' not in html and 'value="印鑑証明"' in html and 'id="rt-0-label-1"' not in html

    html = client.post(url(city, kotsu), form(report, typed, op="rt:add")).content.decode()
    assert "<legend>表2</legend>" in html and 'name="rt-count" value="2"' in html
    assert '<option value="1" selected>' in html  # a new table goes after the last result item

    html = client.post(url(city, kotsu), form(report, typed, op="rt:remove:0")).content.decode()
    assert "<legend>表1</legend>" not in html and 'name="rt-count" value="0"' in html

    assert stored_tables(city, report) == [] and report_of(KOTSU).version == report.version


def test_it_shows_the_japanese_error_of_a_value_that_is_not_a_number_and_keeps_the_input(
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport, report_of: ReportOf
) -> None:
    response = login(bob).post(url(city, kotsu), form(report, table_fields(0, [("住民票", "2,885"), ("印鑑証明", "約3000")])))
    assert response.status_code == 400
    html = response.content.decode()
    assert "保存できませんでした" in html and '<a href="#result-tables">成果の表1「印鑑証明」' in html
    assert '<p class="field-error" id="rt-error">成果の表1「印鑑証明」' in html  # next to the editor
    assert 'value="約3000"' in html and 'value="2,885"' in html  # typed input kept
    assert html.count('aria-invalid="true"') == 2  # the refused row's label and value
    assert stored_tables(city, report) == [] and report_of(KOTSU).version == report.version


@pytest.mark.parametrize(
    ("rows", "message"),
    [([("", "")], "成果の表1：行を入力してください"), ([("住民票", "2,885"), ("", "3,275")], "成果の表1の2行目：項目名を入力してください。"),
     ([("住民票", "")], "成果の表1「住民票」の値を入力してください。")],
)
def test_it_refuses_an_empty_table_a_row_without_a_label_or_a_value(
    rows: list[tuple[str, str]], message: str,
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport,
) -> None:
    response = login(bob).post(url(city, kotsu), form(report, table_fields(0, rows)))
    assert response.status_code == 400 and message in response.content.decode()
    assert stored_tables(city, report) == []


def test_it_keeps_each_table_after_its_result_item_when_items_move_or_blank_ones_are_dropped(
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport
) -> None:
    client = login(bob)
    three = ["①証明書を追加しました。", "②引越しワンストップを開始しました。", "③窓口を研究しました。"]
    tables = (table_fields(0, [("住民票", "2885")], after=0), table_fields(1, [("転出届", "300")], after=1))
    html = client.post(url(city, kotsu), form(report, *tables, results=three, op="results:up:1")).content.decode()
    assert '<select id="rt-0-after" name="rt-0-after">' in html
    after_0 = html.split('name="rt-0-after">')[1].split("</select>")[0]
    after_1 = html.split('name="rt-1-after">')[1].split("</select>")[0]
    assert '<option value="1" selected>2件目の後：①証明書を追加しました。' in after_0  # follows item ① down
    assert '<option value="0" selected>1件目の後：②引越しワンストップを開始しま' in after_1  # follows item ② up

    # A blank item before the table's item is dropped on saving: the table stays after its item.
    response = client.post(url(city, kotsu), form(report, table_fields(0, [("住民票", "2885")], after=2),
                                                  results=["①証明書を追加しました。", "", "③窓口を研究しました。"]))
    assert response.status_code == 302
    assert [after for after, _ in stored_tables(city, report)] == [1]


def test_it_leaves_the_tables_alone_when_a_post_does_not_carry_the_editor(
    login: Login, bob: AbstractBaseUser, city: Municipality, kotsu: Project, report: ProjectReport, report_of: ReportOf
) -> None:
    client = login(bob)
    client.post(url(city, kotsu), form(report, table_fields(0, COUNTS)))
    fresh = report_of(KOTSU)
    data = form(fresh, comment="連絡です。")
    del data["rt-present"], data["rt-count"]
    assert client.post(url(city, kotsu), data).status_code == 302
    assert len(stored_tables(city, report)) == 1


def test_it_shows_the_table_on_the_project_page_the_review_page_and_in_the_report(
    login: Login, bob: AbstractBaseUser, dave: AbstractBaseUser, city: Municipality, kotsu: Project,
    report: ProjectReport,
) -> None:
    from shinchoku.documents.render import render_report

    login(bob).post(url(city, kotsu), form(report, table_fields(0, COUNTS, total=("計", "8,011"))))

    page = login(bob).get(f"/{city.pk}/2024/projects/{kotsu.pk}/").content.decode()
    assert "成果の表1" in page and "「主な取組と成果」1件目の後" in page
    assert '<th scope="row">住民票</th><td class="num">2,885件</td>' in page
    assert '<tr class="rt-view__total"><th scope="row">計</th><td class="num">8,011件</td>' in page

    review = login(dave).get(f"/{city.pk}/2024/projects/{kotsu.pk}/review/").content.decode()
    assert '<th scope="row">印鑑証明</th><td class="num">3,275件</td>' in review

    content, _, _ = render_report(municipality=city, fiscal_year=2024, format="html")
    printed = content.decode()
    assert "住民票" in printed and "2,885件" in printed and "計 8,011件" in printed
    assert printed.index(RESULTS[0]) < printed.index("住民票") < printed.index(RESULTS[1])


@pytest.mark.parametrize(("user", "status"), [("frank", 403), ("charlie", 404)])
def test_it_refuses_users_who_may_not_edit_the_project(
    user: str, status: int, request: pytest.FixtureRequest, login: Login, city: Municipality, kotsu: Project,
    report: ProjectReport,
) -> None:
    client = login(request.getfixturevalue(user))
    assert client.get(url(city, kotsu)).status_code == status
    assert client.post(url(city, kotsu), form(report, table_fields(0, COUNTS), op="rt:addrow:0")).status_code == status
    assert client.post(url(city, kotsu), form(report, table_fields(0, COUNTS))).status_code == status
    assert stored_tables(city, report) == []


def test_it_redirects_anonymous_users_to_login(
    client: Client, city: Municipality, kotsu: Project, report: ProjectReport
) -> None:
    response = client.post(url(city, kotsu), form(report, table_fields(0, COUNTS)))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert stored_tables(city, report) == []
