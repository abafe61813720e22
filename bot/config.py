"""Settings from ``config.yaml`` (or ``CIRCLES_CONFIG``), overridden from the environment.

One rule covers every setting: ``CIRCLES_<SECTION>__<KEY>`` (upper case, two underscores between
section and key), e.g. ``CIRCLES_DELIVERY__CONCURRENCY=8`` sets ``delivery.concurrency``. The older
names (``DATABASE_URL``, ``TELEGRAM_BOT_TOKEN``, …, in ``ENVIRONMENT``) keep working; when both are
set, the ``CIRCLES_`` one wins. An empty variable is ignored, so a compose file may pass variables
that an operator leaves unset. A wrong setting stops start-up with a message that names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any, get_type_hints

import yaml

# The default settings travel inside the package (bot/config.yaml, a link to the repository's
# config.yaml in a checkout), so an installed Circles finds them without the source tree.
DEFAULT_PATH = Path(str(files("bot") / "config.yaml"))
PREFIX = "CIRCLES_"
SEPARATOR = "__"


class ConfigError(Exception):
    """A setting is missing, of the wrong type or out of range; the message names it."""


@dataclass
class DatabaseSettings:
    url: str = "sqlite+aiosqlite:///data/circles.db"


@dataclass
class TelegramSettings:
    token: str = ""
    api_base_url: str = "https://api.telegram.org"
    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = ""
    concurrent_updates: int = 32

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass
class SlackSettings:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    api_base_url: str = "https://slack.com/api/"
    home_refresh_seconds: int = 300  # App Home tabs redrawn (and republished if changed) this often

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)


@dataclass
class ServerSettings:
    host: str = "0.0.0.0"
    port: int = 8080
    public_url: str = ""  # where people reach this server; empty: no live calendar (/calendar)


@dataclass
class CirclesSettings:
    default_language: str = "en"
    reminder_lead_hours: int = 48
    max_answer_length: int = 2000
    invite_days: int = 14
    waitlist_offer_hours: int = 24

    @property
    def waitlist_hold(self) -> timedelta:
        return timedelta(hours=self.waitlist_offer_hours)


@dataclass
class DeliverySettings:
    lease_seconds: int = 300
    wake_seconds: int = 30
    batch_size: int = 100
    concurrency: int = 16
    max_failures: int = 8
    cover_deadline_hours: int = 24


@dataclass
class LoggingSettings:
    level: str = "INFO"
    format: str = "text"  # "text" for people, "json" for log collectors


@dataclass
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    circles: CirclesSettings = field(default_factory=CirclesSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)

    @property
    def has_platforms(self) -> bool:
        return self.telegram.enabled or self.slack.enabled


# The older environment names -> (section, setting); every setting also has its CIRCLES_ name.
ENVIRONMENT = {
    "DATABASE_URL": ("database", "url"),
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "TELEGRAM_API_BASE_URL": ("telegram", "api_base_url"),
    "TELEGRAM_MODE": ("telegram", "mode"),
    "TELEGRAM_WEBHOOK_URL": ("telegram", "webhook_url"),
    "TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "SLACK_BOT_TOKEN": ("slack", "bot_token"),
    "SLACK_SIGNING_SECRET": ("slack", "signing_secret"),
    "SLACK_APP_TOKEN": ("slack", "app_token"),
    "SLACK_API_BASE_URL": ("slack", "api_base_url"),
    "HOST": ("server", "host"),
    "PORT": ("server", "port"),
}


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _coerce(name: str, value: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:  # from the environment
            return value.strip().lower() in _TRUE
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    if kind is int:
        if isinstance(value, bool):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None
    if kind is str:
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            raise ConfigError(f"{name}: expected text, got {value!r}")
        return str(value)
    raise ConfigError(f"{name}: unsupported setting type")


def _section(name: str, cls: type, raw: Any, sources: Mapping[tuple[str, str], str]) -> Any:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{name}: expected a section of settings, got {raw!r}")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{name}.{unknown[0]}: unknown setting (known: {', '.join(sorted(known))})")
    values = {key: _coerce(_named(name, key, sources), value, hints[key]) for key, value in raw.items()}
    return cls(**values)


def _named(section: str, key: str, sources: Mapping[tuple[str, str], str]) -> str:
    """``delivery.concurrency``, plus the variable it came from when the environment set it."""
    variable = sources.get((section, key))
    return f"{section}.{key}" + (f" (from {variable})" if variable else "")


def environment_name(section: str, key: str) -> str:
    """The environment variable that sets ``section.key``: ``CIRCLES_DELIVERY__CONCURRENCY``."""
    return f"{PREFIX}{section.upper()}{SEPARATOR}{key.upper()}"


def _overrides(environ: Mapping[str, str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(section, setting) -> (variable, value) for every non-empty override in ``environ``.

    A ``CIRCLES_X__Y`` variable that names no setting is an error (a typo must not be ignored)."""
    known = {name: {f.name for f in fields(kind)} for name, kind in get_type_hints(Settings).items()}
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            found[(section, key)] = (variable, environ[variable])
    for variable, value in environ.items():
        if not variable.startswith(PREFIX) or SEPARATOR not in variable or not value:
            continue
        section, _, key = variable[len(PREFIX) :].lower().partition(SEPARATOR)
        if key not in known.get(section, ()):
            raise ConfigError(f"{variable}: no such setting {section}.{key} (the rule is CIRCLES_<SECTION>__<KEY>)")
        found[(section, key)] = (variable, value)  # the CIRCLES_ name wins over an older one
    return found


def _validate(settings: Settings) -> None:
    url = settings.database.url
    if not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+asyncpg://")):
        raise ConfigError(
            f"database.url: must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (got {url.split('://')[0]!r})"
        )
    if settings.telegram.mode not in ("polling", "webhook"):
        raise ConfigError(f"telegram.mode: must be polling or webhook, got {settings.telegram.mode!r}")
    if settings.telegram.enabled and settings.telegram.mode == "webhook":
        if not settings.telegram.webhook_url.startswith("https://") and not settings.telegram.webhook_url.startswith(
            "http://"
        ):
            raise ConfigError("telegram.webhook_url: webhook mode needs the public URL Telegram will call")
        if not settings.telegram.webhook_secret:
            raise ConfigError("telegram.webhook_secret: webhook mode needs a secret token")
    if settings.slack.enabled and not settings.slack.signing_secret and not settings.slack.app_token:
        raise ConfigError("slack.signing_secret: needed to verify Slack's requests (or set slack.app_token)")
    if not 1 <= settings.server.port <= 65535:
        raise ConfigError(f"server.port: must be between 1 and 65535, got {settings.server.port}")
    public_url = settings.server.public_url
    if public_url and not (public_url.startswith("https://") or public_url.startswith("http://")):
        raise ConfigError(f"server.public_url: must start with https:// (or http://), got {public_url!r}")
    if not 0 <= settings.circles.reminder_lead_hours <= 24 * 14:
        raise ConfigError("circles.reminder_lead_hours: must be between 0 and 336 (two weeks)")
    if not 100 <= settings.circles.max_answer_length <= 10000:
        raise ConfigError("circles.max_answer_length: must be between 100 and 10000")
    if not 1 <= settings.circles.invite_days <= 365:
        raise ConfigError("circles.invite_days: must be between 1 and 365")
    if not 1 <= settings.circles.waitlist_offer_hours <= 24 * 14:
        raise ConfigError("circles.waitlist_offer_hours: must be between 1 and 336 (two weeks)")
    delivery = settings.delivery
    if not 30 <= delivery.lease_seconds <= 3600:
        raise ConfigError("delivery.lease_seconds: must be between 30 and 3600")
    if not 1 <= delivery.wake_seconds <= 30:
        raise ConfigError("delivery.wake_seconds: must be between 1 and 30")
    if not 1 <= delivery.batch_size <= 1000:
        raise ConfigError("delivery.batch_size: must be between 1 and 1000")
    if not 1 <= delivery.concurrency <= 256:
        raise ConfigError("delivery.concurrency: must be between 1 and 256")
    if not 1 <= delivery.max_failures <= 50:
        raise ConfigError("delivery.max_failures: must be between 1 and 50")
    if not 1 <= delivery.cover_deadline_hours <= 24 * 7:
        raise ConfigError("delivery.cover_deadline_hours: must be between 1 and 168 (a week)")
    if settings.logging.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"logging.level: must be DEBUG, INFO, WARNING or ERROR, got {settings.logging.level!r}")
    if settings.logging.format not in ("text", "json"):
        raise ConfigError(f"logging.format: must be text or json, got {settings.logging.format!r}")


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings file, apply environment overrides, validate."""
    environ = os.environ if environ is None else environ
    path = path or Path(environ.get("CIRCLES_CONFIG") or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"CIRCLES_CONFIG: no configuration file at {path}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: expected sections of settings at the top level")
    raw = {key: dict(value) if isinstance(value, Mapping) else value for key, value in raw.items()}
    overrides = _overrides(environ)
    for (section, key), (_, value) in overrides.items():
        raw.setdefault(section, {})
        if isinstance(raw[section], dict):
            raw[section][key] = value
    sources = {setting: variable for setting, (variable, _) in overrides.items()}
    hints = get_type_hints(Settings)
    unknown = sorted(set(raw) - set(hints))
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown section (known: {', '.join(sorted(hints))})")
    sections = {name: _section(name, hints[name], raw.get(name), sources) for name in hints}
    settings = Settings(**sections)
    _validate(settings)
    return settings


def describe(settings: Settings) -> dict[str, Any]:
    """The settings with every secret masked, for logs and `--help` output."""
    secret = {"token", "webhook_secret", "bot_token", "signing_secret", "app_token"}
    out: dict[str, Any] = {}
    for section in fields(settings):
        value = getattr(settings, section.name)
        assert is_dataclass(value)
        out[section.name] = {
            f.name: ("***" if f.name in secret and getattr(value, f.name) else getattr(value, f.name))
            for f in fields(value)
        }
    db = out["database"]["url"]
    if "@" in db:
        out["database"]["url"] = db.split("://")[0] + "://***@" + db.split("@", 1)[1]
    return out
