"""Settings: the file, environment overrides, and errors that name the wrong setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, describe, load

ROOT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_config_loads_with_defaults() -> None:
    settings = load(ROOT_CONFIG, environ={})
    assert settings.database.url.startswith("sqlite+aiosqlite:///")
    assert not settings.has_platforms
    assert settings.circles.reminder_lead_hours == 48


def test_environment_overrides_secrets_and_addresses() -> None:
    env = {
        "DATABASE_URL": "postgresql+asyncpg://u:secret@db/circles",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9000",
        "PORT": "9090",
    }
    settings = load(ROOT_CONFIG, environ=env)
    assert settings.telegram.token == "123:abc"
    assert settings.telegram.api_base_url == "http://127.0.0.1:9000"
    assert settings.server.port == 9090
    shown = describe(settings)
    assert shown["telegram"]["token"] == "***"
    assert "secret" not in shown["database"]["url"]


def test_circles_config_points_at_another_file(tmp_path: Path) -> None:
    path = write(tmp_path, "server:\n  port: 9999\n")
    assert load(environ={"CIRCLES_CONFIG": str(path)}).server.port == 9999


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("server:\n  port: eighty\n", "server.port"),
        ("server:\n  port: 70000\n", "server.port"),
        ("server:\n  prot: 80\n", "server.prot"),
        ("serevr:\n  port: 80\n", "serevr"),
        ("database:\n  url: mysql://x\n", "database.url"),
        ("telegram:\n  token: 'x'\n  mode: push\n", "telegram.mode"),
        ("telegram:\n  token: 'x'\n  mode: webhook\n", "telegram.webhook_url"),
        ("logging:\n  level: LOUD\n", "logging.level"),
        ("circles:\n  max_answer_length: 5\n", "circles.max_answer_length"),
        ("server: [1, 2]\n", "server"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, text), environ={})
    assert str(raised.value).startswith(named)


def test_a_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no configuration file"):
        load(environ={"CIRCLES_CONFIG": str(tmp_path / "nope.yaml")})
