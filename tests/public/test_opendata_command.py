"""``shinchoku export-opendata``: the same package on disk, valid for frictionless; bad code → exit 2."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from frictionless import validate

from tests.public.conftest import KASHIWAZAKI

pytestmark = pytest.mark.django_db


def test_it_writes_a_valid_package(public_city, tmp_path):
    call_command("export-opendata", code=KASHIWAZAKI, out=tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert (tmp_path / "grades.json").exists()


def test_it_writes_the_national_package(public_city, tmp_path):
    call_command("export-opendata", national=True, out=tmp_path / "national.json")
    assert validate(str(tmp_path / "national.json")).valid


def test_it_refuses_an_unknown_code(public_city, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("export-opendata", code="999999", out=tmp_path / "x")
    assert exit_.value.code == 2
    assert "999999" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
