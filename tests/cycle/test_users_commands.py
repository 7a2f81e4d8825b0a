"""``shinchoku import-users`` / ``export-users``: English line errors, exit 2, nothing written; re-import updates."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, execute_from_command_line
from django_scopes import scope

from shinchoku.cycle.models import AuditEntry
from shinchoku.tenancy.models import Membership, Municipality

GOOD = (
    "login,name,e-mail,role,departments\n"
    "sato,佐藤 花子,sato@example.org,担当部署,総務課;企画政策課\n"
    "suzuki,鈴木 一郎,suzuki@example.org,情報化推進本部,\n"
)
BAD = GOOD + "tanaka,田中 次郎,tanaka@example.org,部長,\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "users.csv"
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def logins() -> set[str]:
    return set(get_user_model().objects.values_list("username", flat=True))


def test_it_imports_and_updates_on_reimport(kashiwazaki: Municipality, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, "cp932")
    assert run("import-users", "--municipality", "柏崎市", str(path)).strip().endswith("柏崎市: 2 new, 0 changed, 0 unchanged")
    path = write(tmp_path, GOOD.replace("情報化推進本部", "viewer"), "utf-8-sig")
    assert "0 new, 1 changed, 1 unchanged" in run("import-users", "--municipality", str(kashiwazaki.pk), str(path))
    assert get_user_model().objects.filter(username="suzuki").count() == 1
    with scope(municipality=kashiwazaki):
        assert list(Membership.objects.filter(user__username="suzuki").values_list("role", flat=True)) == ["viewer"]
        assert AuditEntry.objects.filter(action="user.imported", actor=None).count() == 2


def test_it_names_the_file_and_line_of_a_bad_row_and_writes_nothing(kashiwazaki: Municipality, tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    before = logins()
    with pytest.raises(CommandError) as caught:
        run("import-users", "--municipality", "柏崎市", str(path))
    assert str(caught.value).startswith(f'{path}:4: unknown role "部長"')
    assert caught.value.returncode == 2
    assert logins() == before


def test_it_exits_2(kashiwazaki: Municipality, tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, BAD)
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["shinchoku", "import-users", "--municipality", "柏崎市", str(path)])
    assert caught.value.code == 2
    assert f'{path}:4: unknown role "部長"' in capsys.readouterr().err


def test_it_refuses_an_unknown_municipality(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="unknown municipality"):
        run("import-users", "--municipality", "どこか", str(write(tmp_path, GOOD)))


def test_it_round_trips_through_export(kashiwazaki: Municipality, alice: Any, bob: Any, tmp_path: Path) -> None:
    run("import-users", "--municipality", "柏崎市", str(write(tmp_path, GOOD)))
    out = tmp_path / "out.csv"
    run("export-users", "--municipality", "柏崎市", "--out", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "0 new, 0 changed" in run("import-users", "--municipality", "柏崎市", "--dry-run", str(out))
