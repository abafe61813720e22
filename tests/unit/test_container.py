"""The container, as far as this machine can test it without a Docker daemon: the entry point's
behaviour (with a stand-in ``circles`` on PATH) and the compose file and Dockerfile as parsed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import _overrides

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"

# A stand-in for the installed `circles` script: records each call; `migrate` fails until the
# file "ready" exists after FAILURES failed tries (the database still starting).
FAKE_CIRCLES = """#!/bin/sh
echo "circles $*" >> "$CALLS"
if [ "$1" = migrate ]; then
  n=$(cat "$COUNT" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$COUNT"
  [ "$n" -gt "$FAILURES" ] || exit 1
fi
exit 0
"""


def run_entrypoint(tmp_path: Path, *args: str, failures: int = 0, **env: str) -> tuple[int, list[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "circles"
    fake.write_text(FAKE_CIRCLES)
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    environment = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "COUNT": str(tmp_path / "count"),
        "FAILURES": str(failures),
        "CIRCLES_MIGRATE_WAIT": "0",  # no real waiting in a test
        **env,
    }
    done = subprocess.run(
        ["sh", str(ENTRYPOINT), *args], env=environment, capture_output=True, text=True, timeout=30, check=False
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return done.returncode, lines, done.stderr


def test_run_migrates_first_and_waits_for_the_database(tmp_path: Path) -> None:
    code, calls, errors = run_entrypoint(tmp_path, failures=2)
    assert code == 0
    assert calls == ["circles migrate"] * 3 + ["circles run"]
    assert "migration failed (try 2 of 30)" in errors


def test_run_gives_up_when_the_database_never_answers(tmp_path: Path) -> None:
    code, calls, errors = run_entrypoint(tmp_path, failures=99, CIRCLES_MIGRATE_TRIES="3")
    assert code == 1
    assert calls == ["circles migrate"] * 3  # never serves on a schema it could not migrate
    assert "giving up" in errors


def test_other_commands_run_as_given(tmp_path: Path) -> None:
    places = [tmp_path / name for name in ("dispatch", "no-migrate", "shell")]
    for place in places:
        place.mkdir()
    assert run_entrypoint(places[0], "dispatch", "--dry-run")[:2] == (0, ["circles dispatch --dry-run"])
    assert run_entrypoint(places[1], "run", CIRCLES_MIGRATE_AT_START="0")[:2] == (0, ["circles run"])
    assert run_entrypoint(places[2], "true")[:2] == (0, [])  # not a circles command: run as given


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_circles_with_postgresql_16_on_a_named_volume(compose: dict[str, object]) -> None:
    services = compose["services"]
    assert isinstance(services, dict)
    postgres, circles = services["postgres"], services["circles"]
    assert postgres["image"].startswith("postgres:16")
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]  # named, so `docker compose down` keeps the data
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert circles["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert circles["command"] == ["run"]  # the entry point migrates before `run`
    assert "/healthz" in " ".join(circles["healthcheck"]["test"])
    environment = circles["environment"]
    assert environment["CIRCLES_DATABASE__URL"].startswith("postgresql+asyncpg://circles:")
    assert "@postgres:5432/" in environment["CIRCLES_DATABASE__URL"]


def test_compose_names_only_settings_that_exist(compose: dict[str, object]) -> None:
    environment = compose["services"]["circles"]["environment"]  # type: ignore[index]
    filled = {name: "x" for name in environment}
    named = {variable for variable, _ in _overrides(filled).values()}
    assert named == set(environment)  # every variable sets a setting (a typo would raise or be missing)


def test_the_dockerfile_is_slim_unprivileged_locked_and_health_checked() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    stages = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert stages and all(image.startswith("python:") and image.endswith("-slim") for image in stages)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] != "root"
    assert any(line.startswith("RUN pip install -r /tmp/requirements.lock") for line in lines)
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    text = "\n".join(lines)
    assert "/healthz" in text[text.index("HEALTHCHECK") :]
    assert 'ENTRYPOINT ["circles-entrypoint"]' in lines
    assert ENTRYPOINT.stat().st_mode & 0o111  # executable, as COPY keeps it
