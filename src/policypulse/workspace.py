"""Find, create and load a workspace: one folder with `pulse.toml` and the SQLite database.

The configuration is one typed schema (pydantic) with defaults; `pulse.toml` overrides them and
`PULSE_*` environment variables override both for the few settings that may hold secrets.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from policypulse.errors import ConfigError, WorkspaceError

CONFIG_FILE = "pulse.toml"
DATABASE_FILE = "pulse.sqlite3"
ENV_WORKSPACE = "PULSE_WORKSPACE"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Organisation(_Strict):
    name: str = "Example Research Partnership"
    digest_title: str = "Research and Policy Digest"
    contact: str = "Questions or suggestions? Write to research@example.org."
    signatory: str = "Head of Research"


class Sector(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    label: str
    description: str
    include: list[str] = []
    exclude: list[str] = []


class PublicationType(_Strict):
    key: Literal["report", "briefing"]
    label: str
    description: str = ""


class SourceConfig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    url: str
    kind: Literal["feed", "govuk", "page", "sitemap"] = "feed"
    publisher: str = ""
    selector: str = ""


class Harvest(_Strict):
    allow_private_networks: bool = False
    requests_per_second_per_host: float = Field(default=1.0, gt=0)
    user_agent: str = "PolicyPulse/0.1 (+mailto:research@example.org)"
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_body_megabytes: float = Field(default=50, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    follow_pdfs: bool = True
    max_retries: int = Field(default=3, ge=0)
    total_timeout_seconds: float = Field(default=120.0, gt=0)
    concurrency: int = Field(default=8, ge=1, le=64)


class Triage(_Strict):
    relevance_threshold: float = Field(default=0.5, ge=0, le=1)
    embedding: str = "wordllama"
    editor_weight: float = Field(default=2.0, gt=0, le=100)
    retrain_on_decisions: bool = True
    out_of_scope_hints: list[str] = [
        "transport", "roads", "railway", "rail", "bus", "aviation", "cycling", "walking",
        "defence", "armed forces", "military", "trade", "exports", "exporters", "tariffs",
        "energy", "electricity", "renewables", "net zero", "farming", "farmers", "agriculture",
        "crops", "livestock", "fisheries", "tax", "taxation", "culture", "heritage", "museums",
    ]  # fmt: skip


class Summaries(_Strict):
    backend: str = "extractive"
    min_words: int = Field(default=70, gt=0)
    max_words: int = Field(default=120, gt=0)
    target_words: int = Field(default=95, gt=0)
    opinion_words: list[str] = [
        "shocking", "alarming", "worrying", "disappointing", "astonishing", "remarkable",
        "brilliant", "excellent", "fantastic", "landmark", "groundbreaking", "must-read",
        "fascinating", "impressive", "unfortunately", "sadly", "thankfully", "encouragingly",
    ]  # fmt: skip
    llm_model: str = ""
    llm_concurrency: int = Field(default=4, ge=1, le=64)
    llm_retries: int = Field(default=3, ge=0, le=10)
    llm_backoff_seconds: float = Field(default=2.0, ge=0)
    llm_temperature: float | None = Field(default=None, ge=0, le=2)
    llm_examples: int = Field(default=4, ge=0, le=20)
    llm_max_source_chars: int = Field(default=12_000, ge=500)
    llm_input_cost_per_million: float = Field(default=0.0, ge=0)
    llm_output_cost_per_million: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> Summaries:
        if self.min_words > self.max_words:
            raise ValueError("min_words must not exceed max_words")
        return self


class Mail(_Strict):
    smtp_url: str = "smtp://127.0.0.1:8025"
    from_address: str = "digest@example.org"
    from_name: str = "Research and Policy Digest"
    reply_to: str = ""
    backend: str = "smtp"
    unsubscribe_mailto: str = ""
    rate_per_second: float = Field(default=0, ge=0)
    retry_window_minutes: float = Field(default=60, ge=0)
    dkim_domain: str = ""
    dkim_selector: str = ""
    dkim_key_file: str = ""
    bounce_maildir: str = ""


class Site(_Strict):
    base_url: str = "http://127.0.0.1:8000"
    consent_wording: str = (
        "Yes, please email me the monthly digest. I can unsubscribe at any time from a link "
        "in every email, and my address is used for nothing else."
    )
    form_requests_per_hour: int = Field(default=20, ge=1)

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class Branding(_Strict):
    """How the edition looks: the organisation's name comes from [organisation]."""

    logo_url: str = ""
    logo_file: str = ""
    logo_width: int = Field(default=160, ge=16, le=600)
    primary_colour: str = Field(default="#1d3557", pattern=r"^#[0-9a-fA-F]{6}$")
    accent_colour: str = Field(default="#457b9d", pattern=r"^#[0-9a-fA-F]{6}$")
    contact_lines: list[str] = []
    footer_text: str = ""

    @field_validator("logo_url")
    @classmethod
    def _https_logo(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("logo_url must be an http(s) URL (use logo_file for a local file)")
        return value


class Schedule(_Strict):
    """What `pulse worker` does on its own: cron expressions in `time_zone`; "" turns a job off."""

    time_zone: str = "Europe/London"
    harvest: str = "0 6 * * *"
    send_day: int = Field(default=1, ge=1, le=28)
    send_time: str = Field(default="09:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    send: bool = False
    reminder: int = Field(default=3, ge=0, le=27)
    backup: str = ""
    backup_dir: str = "backups"
    backup_keep: int = Field(default=14, ge=1)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/London)") from None
        return value

    @field_validator("harvest", "backup")
    @classmethod
    def _cron(cls, value: str) -> str:
        from policypulse.service.schedules import check_cron

        return check_cron(value)


class Config(_Strict):
    organisation: Organisation = Organisation()
    sectors: list[Sector] = Field(default_factory=list)
    types: list[PublicationType] = Field(default_factory=list)
    sources: list[SourceConfig] = []
    harvest: Harvest = Harvest()
    triage: Triage = Triage()
    summaries: Summaries = Summaries()
    mail: Mail = Mail()
    site: Site = Site()
    branding: Branding = Branding()
    schedule: Schedule = Schedule()

    @model_validator(mode="after")
    def _unique_keys(self) -> Config:
        for what, keys in (
            ("sector", [s.key for s in self.sectors]),
            ("type", [t.key for t in self.types]),
            ("source", [s.name for s in self.sources]),
        ):
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise ValueError(f"duplicate {what} key(s): {', '.join(duplicates)}")
        return self

    def sector_keys(self) -> list[str]:
        return [s.key for s in self.sectors]

    def sector(self, key: str) -> Sector:
        for sector in self.sectors:
            if sector.key == key:
                return sector
        raise ConfigError(
            f"unknown sector key {key!r}; known sectors: {', '.join(self.sector_keys())}"
        )

    def type_label(self, key: str) -> str:
        for kind in self.types:
            if kind.key == key:
                return kind.label
        return key.title()


_URL_PASSWORD = re.compile(r"//([^:@/]+):[^@/]+@")


def mask_secrets(url: str) -> str:
    """A URL with any password replaced by `****` (the one masking rule: SMTP, database)."""
    return _URL_PASSWORD.sub(r"//\1:****@", url)


def effective_config(config: Config, environ: dict[str, str] | None = None) -> dict:
    """The configuration as it applies, environment overrides included, every secret masked:
    what `pulse config show` prints."""
    environ = os.environ if environ is None else environ
    data = config.model_dump()
    data["mail"]["smtp_url"] = mask_secrets(environ.get("PULSE_SMTP_URL") or config.mail.smtp_url)
    data["database"] = mask_secrets(environ.get("DATABASE_URL", "sqlite (workspace)"))
    return data


def default_toml() -> str:
    """The commented pulse.toml that `pulse init` writes."""
    return resources.files("policypulse").joinpath("default_pulse.toml").read_text("utf-8")


def default_config() -> Config:
    """The configuration with no workspace: the defaults of a fresh `pulse init`."""
    return parse_config(default_toml(), "default pulse.toml")


def parse_config(text: str, origin: str = CONFIG_FILE) -> Config:
    """Parse and validate pulse.toml text; errors name the line where we can find it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    defaults = None
    if "sectors" not in data or "types" not in data:
        defaults = tomllib.loads(default_toml()) if origin != "default pulse.toml" else {}
        data.setdefault("sectors", defaults.get("sectors", []))
        data.setdefault("types", defaults.get("types", []))
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = ".".join(str(part) for part in error["loc"])
        line = _line_of(text, error["loc"])
        where = f"{origin}, line {line}" if line else origin
        raise ConfigError(f"{where}: {location}: {error['msg']}") from None


def _line_of(text: str, loc: tuple) -> int | None:
    """Best effort: the line of the last named key of a validation error's location."""
    names = [part for part in loc if isinstance(part, str)]
    tables = [part for part in loc if isinstance(part, str)][:1]
    pattern_key = re.compile(rf"^\s*{re.escape(names[-1])}\s*=") if names else None
    in_table = not tables
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = bool(tables) and stripped.strip("[]").strip() == tables[0]
            if in_table and len(names) == 1:
                return number
            continue
        if in_table and pattern_key and pattern_key.match(line):
            return number
    return None


class Workspace:
    """A workspace folder: its configuration and where its database lives."""

    def __init__(self, root: Path, config: Config):
        self.root = root
        self.config = config

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def database_path(self) -> Path:
        return self.root / DATABASE_FILE

    def secret_key(self) -> str:
        """PULSE_SECRET_KEY, else a random key kept beside the database (never in the TOML)."""
        if key := os.environ.get("PULSE_SECRET_KEY"):
            return key
        path = self.root / ".secret_key"
        if not path.exists():
            import secrets

            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()


def find_workspace(explicit: str | os.PathLike | None = None) -> Path:
    """--workspace, then PULSE_WORKSPACE, then the current directory."""
    candidates = []
    if explicit:
        candidates.append(("--workspace", Path(explicit)))
    elif os.environ.get(ENV_WORKSPACE):
        candidates.append((ENV_WORKSPACE, Path(os.environ[ENV_WORKSPACE])))
    else:
        candidates.append(("the current directory", Path.cwd()))
    origin, path = candidates[0]
    if not (path / CONFIG_FILE).is_file():
        raise WorkspaceError(
            f"no PolicyPulse workspace at {path} (from {origin}): it has no {CONFIG_FILE}. "
            "Create one with `pulse init DIR`, or pass --workspace DIR."
        )
    return path.resolve()


def load_workspace(root: Path) -> Workspace:
    path = root / CONFIG_FILE
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"cannot read {path}: {exc}") from None
    return Workspace(root, parse_config(text, str(path)))


def create_workspace(root: Path, *, toml_text: str | None = None) -> Workspace:
    """Write pulse.toml (never over an existing one); the database is made by migrate."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / CONFIG_FILE
    if path.exists():
        raise WorkspaceError(f"{path} already exists; not overwriting it")
    text = toml_text if toml_text is not None else default_toml()
    parse_config(text, str(path))
    path.write_text(text, "utf-8")
    return load_workspace(root)
