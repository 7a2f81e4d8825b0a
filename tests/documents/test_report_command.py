"""``shinchoku report``: writes every format; unknown municipality / year without data → exit code 2."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from shinchoku.tenancy.models import Municipality

MAGIC = {"pdf": b"%PDF-", "docx": b"PK", "xlsx": b"PK", "html": b"<!DOCTYPE html>"}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
def test_it_writes_each_format(kashiwazaki: Municipality, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    stdout = StringIO()
    call_command("report", municipality="柏崎市", fiscal_year=2023, format=fmt, out=out, stdout=stdout)
    assert out.read_bytes().startswith(MAGIC[fmt])
    assert f"wrote {out}" in stdout.getvalue()


def test_it_names_the_file_after_the_report_when_no_out_is_given(
    kashiwazaki: Municipality, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    call_command("report", municipality="柏崎市", fiscal_year=2023, format="html", stdout=StringIO())
    assert (tmp_path / "柏崎市DX推進計画_進行管理報告書_2023年度実績.html").exists()


@pytest.mark.parametrize(
    ("municipality", "year", "message"),
    [
        ("存在しない市", 2023, "no municipality named '存在しない市'"),
        ("柏崎市", 2024, "nothing to report for 柏崎市 fiscal year 2024"),
        ("柏崎市", 2030, "nothing to report for 柏崎市 fiscal year 2030"),
    ],
)
def test_it_fails_with_exit_code_2(
    kashiwazaki: Municipality, tmp_path: Path, municipality: str, year: int, message: str
) -> None:
    stderr = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "report",
            municipality=municipality,
            fiscal_year=year,
            format="pdf",
            out=tmp_path / "x.pdf",
            stderr=stderr,
        )
    assert exit_info.value.code == 2
    assert message in stderr.getvalue()
    assert not (tmp_path / "x.pdf").exists()


def test_it_marks_an_unpublished_year_a_draft(kashiwazaki: Municipality, tmp_path: Path) -> None:
    # The seed year was imported from a published report: served as published; a year not published is 案.
    published, draft = tmp_path / "published.html", tmp_path / "draft.html"
    call_command("open-cycle", municipality="柏崎市", fiscal_year=2024, due="2025-05-31", stdout=StringIO())
    call_command("report", municipality="柏崎市", fiscal_year=2023, format="html", out=published, stdout=StringIO())
    call_command("report", municipality="柏崎市", fiscal_year=2024, format="html", out=draft, stdout=StringIO())
    assert "<title>（案）" not in published.read_text(encoding="utf-8")
    assert "<title>（案）" in draft.read_text(encoding="utf-8")
