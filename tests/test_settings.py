"""Production-safe defaults: each case starts a real process with only the variables given, as an operator would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from shinchoku.secret_key import DEVELOPMENT_KEY, entropy_bits, key_file_create, secret_key, weakness

STRONG = secrets.token_urlsafe(50)
PRODUCTION = {
    "SHINCHOKU_ALLOWED_HOSTS": "shinchoku.example.lg.jp",
    "SHINCHOKU_BEHIND_TLS_PROXY": "true",
    "SHINCHOKU_SSL_REDIRECT": "true",
    "SHINCHOKU_HSTS_SECONDS": "31536000",
    "SHINCHOKU_HSTS_INCLUDE_SUBDOMAINS": "true",
}


def run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SHINCHOKU_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )


def setting(name: str, tmp_path: Path, **env: str) -> str:
    done = run(f"import django; django.setup(); from django.conf import settings; print(settings.{name})",
               tmp_path, DJANGO_SETTINGS_MODULE="shinchoku.settings", **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_it_keeps_debug_off_without_the_variable(tmp_path: Path) -> None:
    assert setting("DEBUG", tmp_path, SHINCHOKU_SECRET_KEY=STRONG) == "False"
    assert setting("DEBUG", tmp_path, SHINCHOKU_SECRET_KEY=STRONG, SHINCHOKU_DEBUG="true") == "True"


def test_it_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    done = run("from shinchoku.cli import main; import sys; sys.argv=['shinchoku','check']; main()", tmp_path)
    assert done.returncode == 2
    assert "No secret key: set SHINCHOKU_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_refuses_a_weak_key(tmp_path: Path) -> None:
    done = run("from shinchoku.cli import main; import sys; sys.argv=['shinchoku','check']; main()",
               tmp_path, SHINCHOKU_SECRET_KEY="x")
    assert done.returncode == 2
    assert "too weak: it has 1 characters" in done.stderr


def test_it_reads_the_key_file_that_scripts_run_writes(tmp_path: Path) -> None:
    assert key_file_create(tmp_path / "data" / "secret_key")
    assert not key_file_create(tmp_path / "data" / "secret_key")  # never overwritten: sessions would end
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    key = (tmp_path / "data" / "secret_key").read_text().strip()
    assert setting("SECRET_KEY", tmp_path) == key


def test_it_is_clean_under_check_deploy_with_the_readme_settings(tmp_path: Path) -> None:
    done = run(
        "from shinchoku.cli import main; import sys;"
        " sys.argv=['shinchoku','check','--deploy','--fail-level','WARNING']; main()",
        tmp_path, SHINCHOKU_SECRET_KEY=STRONG, **PRODUCTION,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout


def test_it_warns_under_check_deploy_without_https(tmp_path: Path) -> None:
    done = run(
        "from shinchoku.cli import main; import sys;"
        " sys.argv=['shinchoku','check','--deploy','--fail-level','WARNING']; main()",
        tmp_path, SHINCHOKU_SECRET_KEY=STRONG, SHINCHOKU_ALLOWED_HOSTS="shinchoku.example.lg.jp",
    )
    assert done.returncode != 0
    assert "security.W004" in done.stderr  # HSTS
    assert "security.W008" in done.stderr  # SSL redirect


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("short", "at least 50 are needed"),
        ("ab" * 40, "fewer than 5 distinct"),
        ("django-insecure-" + secrets.token_urlsafe(50), "development key"),
        ("password" * 7, "too predictable"),
    ],
)
def test_it_explains_why_a_key_is_weak(key: str, reason: str) -> None:
    assert reason in (weakness(key) or "")


def test_it_accepts_a_generated_key() -> None:
    assert weakness(secrets.token_urlsafe(50)) is None
    assert entropy_bits(secrets.token_urlsafe(50)) > 300


def test_it_uses_the_development_key_only_with_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHINCHOKU_SECRET_KEY", raising=False)
    monkeypatch.delenv("SHINCHOKU_SECRET_KEY_FILE", raising=False)
    assert secret_key(debug=True, data_dir=tmp_path) == DEVELOPMENT_KEY
    monkeypatch.setenv("SHINCHOKU_SECRET_KEY", "x")
    assert secret_key(debug=True, data_dir=tmp_path) == "x"  # a developer's own choice, on their machine
