"""Settings: the file, environment overrides, and errors that name the wrong setting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_PATH, ConfigError, describe, environment_name, load

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


# --- Every setting from the environment: CIRCLES_<SECTION>__<KEY> --------------------------------

# Settings whose values are constrained: a different value that is still valid. Every other
# setting gets a generic different value (text: prefixed; whole number: one less).
OTHER_VALID = {
    ("database", "url"): "sqlite+aiosqlite:///elsewhere/circles.db",
    ("telegram", "mode"): "webhook",
    ("server", "public_url"): "https://circles.example.org",
    ("circles", "default_language"): "de",
    ("logging", "level"): "DEBUG",
    ("logging", "format"): "json",
}
# Slack without a signing secret or app token is refused, whatever else is set.
BASE = {"CIRCLES_SLACK__SIGNING_SECRET": "base-secret"}


def _every_setting_in_the_file() -> list[tuple[str, str, object]]:
    raw = yaml.safe_load(ROOT_CONFIG.read_text(encoding="utf-8"))
    return [(section, key, value) for section, keys in raw.items() for key, value in keys.items()]


def _another_value(section: str, key: str, value: object) -> tuple[str, object]:
    if (section, key) in OTHER_VALID:
        chosen = OTHER_VALID[(section, key)]
        return chosen, chosen
    if isinstance(value, bool):
        return str(not value).lower(), not value
    if isinstance(value, int):
        return str(value - 1), value - 1
    return f"changed-{value}", f"changed-{value}"


@pytest.mark.parametrize(("section", "key", "value"), _every_setting_in_the_file())
def test_every_setting_in_config_yaml_can_be_set_from_the_environment(section: str, key: str, value: object) -> None:
    text, expected = _another_value(section, key, value)
    assert expected != value
    variable = environment_name(section, key)
    assert variable == f"CIRCLES_{section.upper()}__{key.upper()}"
    settings = load(ROOT_CONFIG, environ={**BASE, variable: text})
    assert getattr(getattr(settings, section), key) == expected


def test_the_circles_name_wins_over_the_older_one_and_empty_variables_are_ignored() -> None:
    env = {"PORT": "9090", "CIRCLES_SERVER__PORT": "9191", "CIRCLES_SERVER__HOST": "", "DATABASE_URL": ""}
    settings = load(ROOT_CONFIG, environ=env)
    assert settings.server.port == 9191
    assert settings.server.host == "0.0.0.0"
    assert settings.database.url.startswith("sqlite+aiosqlite:///")


def test_a_wrong_value_from_the_environment_names_the_setting_and_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        load(ROOT_CONFIG, environ={"CIRCLES_DELIVERY__CONCURRENCY": "many"})
    assert str(raised.value) == (
        "delivery.concurrency (from CIRCLES_DELIVERY__CONCURRENCY): expected a whole number, got 'many'"
    )
    with pytest.raises(ConfigError, match=r"^delivery\.concurrency: must be between 1 and 256"):
        load(ROOT_CONFIG, environ={"CIRCLES_DELIVERY__CONCURRENCY": "0"})


def test_a_misspelt_circles_variable_is_refused_not_ignored() -> None:
    with pytest.raises(ConfigError, match=r"^CIRCLES_DELIVERY__CONCURENCY: no such setting delivery\.concurency"):
        load(ROOT_CONFIG, environ={"CIRCLES_DELIVERY__CONCURENCY": "8"})
    # CIRCLES_CONFIG (one word, no double underscore) is the file's location, not a setting.
    assert load(ROOT_CONFIG, environ={"CIRCLES_CONFIG": str(ROOT_CONFIG)}).server.port == 8080


def test_the_default_configuration_travels_inside_the_package() -> None:
    assert DEFAULT_PATH.read_text(encoding="utf-8") == ROOT_CONFIG.read_text(encoding="utf-8")
    assert load(environ={}).server.port == 8080
