"""The `circles` command's answers an operator sees before anything runs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot import __main__ as cli


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_migrate_names_an_unreachable_database_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql+asyncpg://circles:hunter2@127.0.0.1:{_closed_port()}/circles"
    monkeypatch.setenv("CIRCLES_DATABASE__URL", url)
    assert cli.main(["migrate"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Database error: cannot use postgresql+asyncpg://***@127.0.0.1:")
    assert "hunter2" not in error and "Traceback" not in error


def test_migrate_creates_a_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CIRCLES_DATABASE__URL", f"sqlite+aiosqlite:///{tmp_path}/circles.db")
    assert cli.main(["migrate"]) == 0
    assert "database is up to date" in capsys.readouterr().out
    assert (tmp_path / "circles.db").stat().st_size > 0


def test_a_wrong_setting_from_the_environment_stops_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CIRCLES_SERVER__PORT", "eighty")
    assert cli.main(["migrate"]) == 2
    assert capsys.readouterr().err.strip() == (
        "Configuration error: server.port (from CIRCLES_SERVER__PORT): expected a whole number, got 'eighty'"
    )
