"""The cycle tests' seed and named users (Alice DX, Bob 企画政策課, Frank 総務課, Dave HQ, Charlie 刈羽村),
FY2024 open; and ``libreoffice``, a LibreOffice round trip of a workbook (``soffice --headless --convert-to xlsx``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cycle.conftest import alice, bob, charlie, dave, frank, kariwa, plan, year_2023, year_2024

__all__ = ["alice", "bob", "charlie", "dave", "frank", "kariwa", "libreoffice", "plan", "year_2023", "year_2024"]

SOFFICE_TIMEOUT = 180  # seconds; a first start creates the profile, and the CI machine is shared by two workers


@pytest.fixture
def libreoffice(tmp_path: Path) -> Callable[[Path], Path]:
    """``convert(path)`` opens ``path`` in LibreOffice and saves it again as .xlsx, as a person would; returns
    the new file. Skips without LibreOffice, but fails on CI (``CI`` set): scripts/setup installs it there, so
    its absence is a broken setup, not a reason to test less."""
    soffice = shutil.which("soffice")
    if soffice is None:
        message = "LibreOffice (soffice) is not installed: scripts/setup installs libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # A profile (and HOME) of this test's own: two xdist workers' LibreOffice instances would otherwise share
    # ~/.config/libreoffice, and the second would hand its file to the first and exit without converting.
    profile, home = tmp_path / "lo-profile", tmp_path / "lo-home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}

    def convert(path: Path) -> Path:
        out_dir = tmp_path / "lo-out"
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", "xlsx", "--outdir", str(out_dir), str(path)]
        # A session of its own, so that a hung conversion is ended with every process it started.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        try:
            output, _ = process.communicate(timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"soffice did not convert {path.name} within {SOFFICE_TIMEOUT} s")
        converted = out_dir / f"{path.stem}.xlsx"
        if process.returncode != 0 or not converted.is_file():
            pytest.fail(f"soffice failed to convert {path.name} (exit {process.returncode}): "
                        f"{output.decode(errors='replace')}")
        return converted

    return convert
