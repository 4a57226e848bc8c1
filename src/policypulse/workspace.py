"""Find, create and load a workspace: one folder with `pulse.toml` and the SQLite database.

The configuration is one typed schema (pydantic) with defaults; `pulse.toml` overrides them and
`PULSE_*` environment variables override both for the few settings that may hold secrets.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import textwrap
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from policypulse.cadence import parse_interval
from policypulse.errors import ConfigError, PulseError, WorkspaceError
from policypulse.rules import compile_rules

CONFIG_FILE = "pulse.toml"
DATABASE_FILE = "pulse.sqlite3"
ENV_WORKSPACE = "PULSE_WORKSPACE"


# Words a neutral summary never uses: the one default list (summaries.guard checks with it).
OPINION_WORDS = (
    "shocking", "alarming", "worrying", "disappointing", "astonishing", "remarkable",
    "brilliant", "excellent", "fantastic", "landmark", "groundbreaking", "ground-breaking",
    "must-read", "fascinating", "impressive", "unfortunately", "sadly", "thankfully",
    "encouragingly", "welcome news", "we believe", "in our view",
)  # fmt: skip

OUT_OF_SCOPE_HINTS = (
    "transport", "roads", "railway", "rail", "bus", "aviation", "cycling", "walking",
    "defence", "armed forces", "military", "trade", "exports", "exporters", "tariffs",
    "energy", "electricity", "renewables", "net zero", "farming", "farmers", "agriculture",
    "crops", "livestock", "fisheries", "tax", "taxation", "culture", "heritage", "museums",
)  # fmt: skip


OUT_OF_SCOPE_NOTES = (
    "Higher education, universities and their students are out of scope, even on mental health.",
    "Adult skills, further education colleges and apprenticeships are out of scope.",
    "Young people's employment, unemployment and economic inactivity are out of scope unless "
    "they are for care leavers.",
    "Fire and rescue services are out of scope, although the police inspectorate inspects them.",
    "Road safety and road casualties are out of scope, even when the casualties are children.",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Organisation(_Strict):
    """The organisation behind the digest."""

    name: str = Field("Example Research Partnership", description="Who sends the digest.")
    digest_title: str = Field(
        "Research and Policy Digest", description="The digest's masthead; the month is added to it."
    )
    contact: str = Field(
        "Questions or suggestions? Write to research@example.org or call 020 7946 0000.",
        description="One line readers see under the foreword and in the footer.",
    )
    signatory: str = Field("Head of Research", description="Signs the foreword.")


class Sector(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    label: str
    description: str
    include: list[str] = []
    exclude: list[str] = []
    scope_notes: list[str] = Field(
        default_factory=list,
        description="Short sentences in the editor's words on where borderline items belong "
        '("Health services in prisons belong to Criminal Justice"); the triage embeds them '
        "and learns from them as labelled examples, not as keywords.",
    )


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
    interval: str = "daily"
    sectors: list[str] = []
    keep: list[str] = []
    block: list[str] = []
    main_selector: str = ""

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: str) -> str:
        try:
            parse_interval(value)
        except PulseError as exc:  # pydantic wants a ValueError
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _rules(self) -> SourceConfig:
        try:
            compile_rules(self.keep, self.block)
        except PulseError as exc:  # pydantic wants a ValueError
            raise ValueError(str(exc)) from None
        return self


class Harvest(_Strict):
    """How sources are fetched: politely, within limits, never from private addresses."""

    allow_private_networks: bool = Field(
        False,
        description="Allow private, loopback and link-local addresses (false protects the "
        "server you run on).",
    )
    requests_per_second_per_host: float = Field(
        1.0, gt=0, description="Requests per second to any one host."
    )
    user_agent: str = Field(
        "PolicyPulse/0.1 (+mailto:research@example.org)",
        description="Identify yourself to the sites you harvest, with a way to reach you.",
    )
    timeout_seconds: float = Field(
        30.0, gt=0, description="Seconds to wait for a connection or for the next bytes."
    )
    max_body_megabytes: float = Field(
        50, gt=0, description="Larger bodies (after decompression) are refused."
    )
    max_redirects: int = Field(5, ge=0, description="Redirects followed per request.")
    follow_pdfs: bool = Field(True, description="Fetch the report PDF linked from a landing page.")
    max_retries: int = Field(
        3, ge=0, description="Retries (with backoff, honouring Retry-After) on 429 and 5xx answers."
    )
    total_timeout_seconds: float = Field(
        120.0, gt=0,
        description="A whole request, however slowly the server drips, stops after this.",
    )  # fmt: skip
    pause_after_failures: int = Field(
        5, ge=0,
        description="A source failing this many harvests in a row is paused until `pulse "
        "sources resume NAME` (0: never pause).",
    )  # fmt: skip
    concurrency: int = Field(
        8, ge=1, le=64,
        description="Downloads in flight at once, across hosts (each host keeps its own rate "
        "limit).",
    )  # fmt: skip
    extraction_processes: int = Field(
        0, ge=0, le=64,
        description="Processes that extract text from pages and PDFs, so extraction uses every "
        "core and a PDF that crashes PDFium cannot stop the harvest (0: one per usable core).",
    )  # fmt: skip
    keep_raw: bool = Field(
        True,
        description="Keep each publication's fetched bytes (compressed) so `pulse items "
        "reextract` can rerun extraction without fetching again.",
    )


class Triage(_Strict):
    """Relevance, sector and type of each publication."""

    relevance_threshold: float = Field(
        0.5, ge=0, le=1, description="Items whose relevance probability is below this are out "
        "of scope."
    )  # fmt: skip
    embedding: str = Field(
        "wordllama",
        description="The embedding model the triage compares texts with (wordllama ships "
        "inside the package).",
    )
    editor_weight: float = Field(
        2.0, gt=0, le=100,
        description="How much more one editor decision weighs than one bundled example when "
        "training.",
    )  # fmt: skip
    retrain_on_decisions: bool = Field(
        True,
        description="Retrain automatically before `pulse triage` when editors have decided "
        "items since the last training (else only `pulse triage train` retrains).",
    )
    out_of_scope_hints: list[str] = Field(
        default_factory=lambda: list(OUT_OF_SCOPE_HINTS),
        description="Phrases (whole words) that point away from every sector: the usual "
        "out-of-scope fields.",
    )
    out_of_scope_notes: list[str] = Field(
        default_factory=lambda: list(OUT_OF_SCOPE_NOTES),
        description="Sentences in the editor's words on what is out of scope although it "
        'sounds close ("Higher education and adult skills are out of scope"); learnt from '
        "as labelled examples of out-of-scope items, like each sector's scope_notes.",
    )


class Summaries(_Strict):
    """How summaries are written and checked."""

    backend: str = Field(
        "extractive",
        description="extractive (default, offline) or llm (any model the `llm` library knows).",
    )
    min_words: int = Field(
        70, gt=0, description="Every summary is checked against these bounds (words)."
    )
    max_words: int = Field(120, gt=0, description="The upper bound on a summary's words.")
    target_words: int = Field(
        95, gt=0,
        description="The extractive backend aims at this length and always stops at a "
        "sentence boundary.",
    )  # fmt: skip
    opinion_words: list[str] = Field(
        default_factory=lambda: list(OPINION_WORDS),
        description="Words a neutral summary never uses; the guard flags them. The default is "
        "the built-in list; set this only to replace it.",
        json_schema_extra={"commented": True},
    )
    llm_model: str = Field(
        "",
        description='With backend = "llm": the model id as `llm models` lists it '
        "(OpenAI-compatible servers are added in the llm library's extra-openai-models.yaml; "
        "API keys come from the environment).",
    )
    llm_concurrency: int = Field(4, ge=1, le=64, description="Parallel requests to the model.")
    llm_retries: int = Field(
        3, ge=0, le=10,
        description="Retries of a failed request, with exponential backoff from "
        "llm_backoff_seconds.",
    )  # fmt: skip
    llm_backoff_seconds: float = Field(
        2.0, ge=0, description="The first retry's wait; each later one doubles it."
    )
    llm_temperature: float | None = Field(
        None, ge=0, le=2,
        description="The sampling temperature (unset: the model's default).",
        json_schema_extra={"example": 0.2},
    )  # fmt: skip
    llm_examples: int = Field(
        4, ge=0, le=20,
        description="Few-shot examples in the prompt: editors' own summaries first, then the "
        "bundled ones.",
    )  # fmt: skip
    llm_max_source_chars: int = Field(
        12_000, ge=500, description="The source text sent to the model is cut to this many "
        "characters."
    )  # fmt: skip
    llm_input_cost_per_million: float = Field(
        0.0, ge=0,
        description="Price per million input tokens (in your currency), for the cost log of "
        "each edition month.",
    )  # fmt: skip
    llm_output_cost_per_million: float = Field(
        0.0, ge=0, description="Price per million output tokens (in your currency)."
    )

    @model_validator(mode="after")
    def _bounds(self) -> Summaries:
        if self.min_words > self.max_words:
            raise ValueError("min_words must not exceed max_words")
        return self


class Mail(_Strict):
    """Sending the digest and the subscription notices."""

    smtp_url: str = Field(
        "smtp://127.0.0.1:8025",
        description="The SMTP server; PULSE_SMTP_URL overrides it (put passwords there, not here).",
    )
    from_address: str = Field("digest@example.org", description="The digest's From address.")
    from_name: str = Field(
        "Research and Policy Digest", description="The name shown beside the From address."
    )
    reply_to: str = Field("", description="Where replies go (default: the From address).")
    backend: str = Field(
        "smtp",
        description='"smtp" (the server above), or a Django email backend\'s dotted path for a '
        'provider through django-anymail, e.g. "anymail.backends.postmark.EmailBackend" (its '
        "API key from ANYMAIL_*).",
    )
    unsubscribe_mailto: str = Field(
        "",
        description="The mailto: half of List-Unsubscribe (default: from_address); a mailbox "
        "someone reads.",
    )
    rate_per_second: float = Field(
        0, ge=0,
        description="Messages per second for `pulse send` (0: as fast as the server takes "
        "them); --rate overrides.",
    )  # fmt: skip
    connections: int = Field(
        1, ge=1, le=32,
        description="SMTP connections `pulse send` keeps busy at once, all under the one "
        "rate limit (a remote server answers in tens of milliseconds; a few connections hide "
        "that wait); --connections overrides.",
    )  # fmt: skip
    retry_window_minutes: float = Field(
        60, ge=0,
        description="How long `pulse send` keeps retrying temporary (4xx) refusals before it "
        "stops and asks to be run again later; a 4xx never marks a delivery failed.",
    )  # fmt: skip
    dkim_domain: str = Field(
        "",
        description="DKIM: sign every message when dkim_domain, dkim_selector and "
        "dkim_key_file are all set.",
    )
    dkim_selector: str = Field("", description="The DKIM selector published in DNS.")
    dkim_key_file: str = Field(
        "",
        description="A PEM RSA private key, relative to the workspace; keep it out of this "
        "file and out of version control.",
    )
    bounce_maildir: str = Field(
        "",
        description="A maildir where bounces (RFC 3464 delivery status notifications) and "
        "List-Unsubscribe mailto requests arrive, relative to the workspace: `pulse bounces "
        "scan` reads it.",
    )
    soft_bounce_limit: int = Field(
        3, ge=0,
        description="Soft bounces (mailbox full, temporarily refused; from a provider's webhook "
        "or a delivery status notification) within 30 days after which an address is marked "
        "bounced and suppressed; 0: never.",
    )  # fmt: skip
    welcome: bool = Field(
        True,
        description="Send a welcome email when someone confirms a subscription (the latest "
        "edition's link, their sectors, the preferences link); its words are "
        "templates/welcome.txt in the workspace when that file exists.",
    )


class Tracking(_Strict):
    """What readers click, counted privately (never what they open: no tracking pixels)."""

    clicks: bool = Field(
        False,
        description="Route each publication link in the email through a signed redirect "
        "(/r/...) that counts clicks per publication per edition.",
    )
    per_subscriber: bool = Field(
        False,
        description="Also record which subscriber clicked (a row per click); off, only counts "
        "per publication are kept and the links carry nothing about the reader.",
    )


class Site(_Strict):
    """The public web app."""

    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public address of `pulse serve`, used for links in emails (unsubscribe, "
        "view in browser).",
    )
    consent_wording: str = Field(
        "Yes, please email me the monthly digest. I can unsubscribe at any time from a link "
        "in every email, and my address is used for nothing else.",
        description="The consent wording the public subscribe form shows; the exact text is "
        "stored with each subscriber's consent record.",
    )
    form_requests_per_hour: int = Field(
        20, ge=1,
        description="Public form submissions allowed per client address per hour (subscribe, "
        "preferences).",
    )  # fmt: skip

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class Branding(_Strict):
    """How the edition looks in email, PDF, DOCX and the web archive; the organisation's name
    comes from [organisation]."""

    logo_url: str = Field(
        "",
        description="The logo as an http(s) URL, for email and the web (emails never embed "
        "images, so the edition reads the same with images off).",
    )
    logo_file: str = Field(
        "", description="The logo as a PNG or JPEG file, relative to the workspace, for the PDF "
        "and DOCX."
    )  # fmt: skip
    logo_width: int = Field(
        160, ge=16, le=600,
        description="The logo's width in pixels in the email (its height follows).",
    )  # fmt: skip
    primary_colour: str = Field(
        "#1d3557", pattern=r"^#[0-9a-fA-F]{6}$",
        description="The masthead and headings' colour, as #rrggbb.",
    )  # fmt: skip
    accent_colour: str = Field(
        "#457b9d", pattern=r"^#[0-9a-fA-F]{6}$",
        description="Sub-headings' and links' colour, as #rrggbb.",
    )  # fmt: skip
    contact_lines: list[str] = Field(
        default_factory=list,
        description="Lines under the contact line in every format's footer, e.g. an address "
        "and a phone number.",
    )
    footer_text: str = Field(
        "",
        description="A last line for the footer, e.g. a registered charity number or a "
        "copyright notice.",
    )

    @field_validator("logo_url")
    @classmethod
    def _https_logo(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("logo_url must be an http(s) URL (use logo_file for a local file)")
        return value


def check_cron(value: str) -> str:
    """A cron expression `pulse worker` can run ("" is off); ValueError names what is wrong.
    APScheduler (which runs the schedule) parses it: no cron parsing by hand."""
    value = " ".join(value.split())
    if not value:
        return ""
    fields = value.split(" ")
    if len(fields) != 5:
        raise ValueError(f"{value!r} is not a cron expression: five fields, e.g. '0 6 * * *'")
    if any(ch.isdigit() for ch in fields[4]):
        # django-crontask refuses numbered weekdays (0 or 7 for Sunday is ambiguous).
        raise ValueError(f"{value!r}: write weekdays as names (Mon..Sun), not numbers")
    try:
        CronTrigger.from_crontab(value, timezone=datetime.UTC)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a cron expression: {exc}") from None
    return value


class Schedule(_Strict):
    """What `pulse worker` does on its own (`pulse schedules list` shows the next and last
    runs): cron expressions "minute hour day month weekday" (weekdays as names, Mon..Sun) in
    `time_zone`; "" turns a job off."""

    time_zone: str = Field(
        "Europe/London", description="The IANA time zone the schedule's times are in."
    )
    harvest: str = Field(
        "0 6 * * *",
        description="Harvest every source, then triage and summarise what is new, with no command.",
    )
    send_day: int = Field(
        default=1, ge=1, le=28, description="The day of the month (1-28) the edition goes out."
    )
    send_time: str = Field(
        default="09:00",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="The time (HH:MM) on send_day the edition goes out and reminders are sent.",
    )
    send: bool = Field(
        False,
        description="Send the approved edition on send_day at send_time (false: an editor "
        "runs `pulse send`).",
    )
    reminder: int = Field(
        default=3,
        ge=0,
        le=27,
        description="Email the editors this many days before send_day, at send_time, saying "
        "what awaits review (0: no reminder).",
    )
    backup: str = Field(
        "",
        description="Back up the database, pulse.toml and secret key into backup_dir on this "
        'cron schedule, e.g. "30 2 * * *" (off by default).',
    )
    backup_dir: str = Field(
        "backups", description="Where scheduled backups go, relative to the workspace."
    )
    backup_keep: int = Field(
        default=14, ge=1, description="How many scheduled backups to keep (the newest)."
    )

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
    tracking: Tracking = Tracking()
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
    """The commented pulse.toml that `pulse init` writes: the header, sectors and types from
    `default_pulse.toml` (data), every other section generated from the schema, so each key's
    default and help exist once, in the Field above."""
    text = resources.files("policypulse").joinpath("default_pulse.toml").read_text("utf-8")
    header, _, taxonomy = text.partition("\n\n")
    sections = {name: model for name, model in _sections()}
    first = _toml_section("organisation", sections.pop("organisation"))
    rest = [_toml_section(name, model) for name, model in sections.items()]
    return "\n\n".join([header, first, taxonomy.rstrip(), *rest]) + "\n"


def _sections():
    for name, field in Config.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield name, field.annotation


def _toml_section(name: str, model: type[BaseModel]) -> str:
    lines = [f"[{name}]"] + [
        "# " + line for line in textwrap.wrap(" ".join((model.__doc__ or "").split()), 95)
    ]
    for key, field in model.model_fields.items():
        lines += ["# " + line for line in textwrap.wrap(field.description or "", 95)]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        default = field.get_default(call_default_factory=True)
        if default is None:
            lines.append(f"# {key} = {_toml_value(extra['example'])}")
        else:
            commented = "# " if extra.get("commented") else ""
            lines.append(f"{commented}{key} = {_toml_value(default)}")
    return "\n".join(lines)


def _toml_value(value) -> str:
    """TOML for the schema's default kinds (JSON strings are TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


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
