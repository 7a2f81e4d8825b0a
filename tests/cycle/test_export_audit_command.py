"""``shinchoku export-audit``: the audit log as CSV for archiving; bad dates exit 2 in English, nothing written."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from shinchoku.cycle.audit_export import HEADERS
from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Municipality


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export-audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


@pytest.fixture
def dated(kashiwazaki: Municipality, kariwa: Municipality) -> None:
    with scope(municipality=kashiwazaki):
        for day, name in ((dt.datetime(2025, 3, 9, 15, 0, tzinfo=dt.UTC), "三月十日"),  # 3/10 00:00 JST
                          (dt.datetime(2025, 4, 1, 3, 0, tzinfo=dt.UTC), "四月一日")):
            AuditEntry.objects.create(municipality=kashiwazaki, at=day, action="plan.project.updated",
                                      object_type="plans.project", object_repr=name)
    with scope(municipality=kariwa):
        AuditEntry.objects.create(municipality=kariwa, at=dt.datetime(2025, 3, 10, tzinfo=dt.UTC),
                                  action="plan.project.updated", object_type="plans.project", object_repr="刈羽村の行")


def test_it_writes_the_municipalitys_log(tmp_path: Path, dated: None) -> None:
    out, _ = run("--municipality", "柏崎市", "--out", str(tmp_path / "a.csv"))
    rows = _rows(tmp_path / "a.csv")
    assert rows[0] == list(HEADERS)
    targets = [r[4] for r in rows[1:]]
    assert "三月十日" in targets and "四月一日" in targets and "刈羽村の行" not in targets
    assert out.strip() == f"wrote {len(rows) - 1} audit entries to {tmp_path / 'a.csv'}"
    assert not (tmp_path / "a.csv.partial").exists()


@pytest.mark.parametrize(("since", "until"), [("令和7年3月", "R7.3"), ("2025-03-10", "2025-03-31"), ("R7.3.10", "2025-03")])
def test_it_keeps_to_the_period(tmp_path: Path, dated: None, since: str, until: str) -> None:
    run("--municipality", "柏崎市", "--since", since, "--until", until, "--out", str(tmp_path / "p.csv"))
    assert [r[4] for r in _rows(tmp_path / "p.csv")[1:]] == ["三月十日"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "あした"), "--since: not a date"),
        (("--until", "2025-02-30"), "--until: day 30 does not exist"),
        (("--since", "2025-04", "--until", "2025-03"), "is after --until"),
    ],
)
def test_it_refuses_bad_dates_with_exit_2_and_writes_nothing(
    tmp_path: Path, dated: None, args: tuple[str, ...], message: str
) -> None:
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("export-audit", "--municipality", "柏崎市", *args, "--out", str(tmp_path / "x.csv"),
                     stdout=StringIO(), stderr=err)
    assert exited.value.code == 2 and message in err.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_an_unknown_municipality(tmp_path: Path, dated: None) -> None:
    with pytest.raises(CommandError, match="unknown municipality"):
        run("--municipality", "どこか", "--out", str(tmp_path / "x.csv"))
    assert list(tmp_path.iterdir()) == []
