"""``shinchoku discontinue-project``: project_discontinue from the shell, English errors, exit 2 on bad input.

The seed: 柏崎市's FY2023 published (locked); ``year_2024`` opens FY2024 with one untouched draft per project.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services import report_save
from shinchoku.plans.models import Plan, ProjectReport, ReportingYear
from shinchoku.tenancy.models import Municipality

from .conftest import DENSHI_KESSAI, LINE, project, report_of


def run(*args: str) -> str:
    out = StringIO()
    call_command("discontinue-project", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        run(*args)
    return caught.value


def test_it_discontinues_a_project_from_a_fiscal_year(kashiwazaki: Municipality, year_2024: ReportingYear) -> None:
    output = run("--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", "2024", "--reason", "discontinued")
    assert output.strip() == (
        f"柏崎市 / 柏崎市DX推進計画: {LINE} discontinued (last reported fiscal year 2023, not reported from 2024)"
    )
    with scope(municipality=kashiwazaki):
        line = project(LINE)
        assert (line.last_fiscal_year, line.end_reason) == (2023, "discontinued")
        assert list(ProjectReport.objects.filter(project=line).values_list("fiscal_year", flat=True)) == [2023]
        entry = AuditEntry.objects.get(action="plan.project.discontinued")
    assert entry.actor is None and entry.after["reports_removed"] == 1  # the system acted


def test_it_completes_a_project_after_the_plan(kashiwazaki: Municipality, plan: Plan) -> None:
    run("--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", str(plan.end_fiscal_year + 1),
        "--reason", "completed")
    with scope(municipality=kashiwazaki):
        line = project(LINE)
    assert (line.last_fiscal_year, line.end_reason) == (plan.end_fiscal_year, "completed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--municipality", "存在しない市", "--project", LINE, "--from-fiscal-year", "2024"),
         "unknown municipality '存在しない市'"),
        (("--municipality", "柏崎市", "--project", "存在しない事業", "--from-fiscal-year", "2024"),
         "柏崎市 has no project named '存在しない事業'"),
        (("--municipality", "柏崎市", "--project", LINE, "--plan", "別の計画", "--from-fiscal-year", "2024"),
         f"plan '別の計画' of 柏崎市 has no project named '{LINE}'"),
        (("--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", "2023"),
         "fiscal year 2023 is locked (published or imported): the project can end from 2024 at the earliest"),
        (("--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", "2040"),
         "the fiscal year to end from must be between"),
    ],
)
def test_it_refuses_bad_input_in_english_with_exit_code_2(
    args: tuple[str, ...], message: str, kashiwazaki: Municipality, year_2024: ReportingYear
) -> None:
    error = refused(*args, "--reason", "discontinued")
    assert message in str(error) and error.returncode == 2
    with scope(municipality=kashiwazaki):
        assert project(LINE).last_fiscal_year is None
        assert not AuditEntry.objects.filter(action="plan.project.discontinued").exists()


def test_it_refuses_while_an_open_years_report_has_been_worked_on(
    kashiwazaki: Municipality, year_2024: ReportingYear, frank: Any
) -> None:
    with scope(municipality=kashiwazaki):
        report = report_of(DENSHI_KESSAI, 2024)
    report_save(report=report, by=frank, expected_version=report.version, results=["運用を続けました。"])
    error = refused("--municipality", "柏崎市", "--project", DENSHI_KESSAI, "--from-fiscal-year", "2024",
                    "--reason", "completed")
    assert str(error) == "the report of fiscal year 2024 has been worked on: deal with it before ending the project"
    with scope(municipality=kashiwazaki):
        assert ProjectReport.objects.filter(project__name=DENSHI_KESSAI, fiscal_year=2024).exists()


def test_it_refuses_an_unknown_reason(kashiwazaki: Municipality) -> None:
    error = refused("--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", "2024", "--reason", "paused")
    assert "argument --reason: invalid choice: 'paused'" in str(error)


def test_it_exits_2_from_the_command_line(
    kashiwazaki: Municipality, year_2024: ReportingYear, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", "2023", "--reason", "completed"],
        ["--municipality", "柏崎市", "--project", LINE, "--from-fiscal-year", "2024", "--reason", "paused"],
        ["--municipality", "柏崎市", "--project", LINE, "--reason", "completed"],
    ):
        with pytest.raises(SystemExit) as exited:
            execute_from_command_line(["shinchoku", "discontinue-project", *args])
        assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "fiscal year 2023 is locked" in err and "invalid choice: 'paused'" in err
    assert "the following arguments are required: --from-fiscal-year" in err
