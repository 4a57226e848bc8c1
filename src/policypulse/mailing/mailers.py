"""Which Django email backend sends, built from `[mail]` in pulse.toml and PULSE_SMTP_URL.

Django 6.1 configures mail through the MAILERS setting (EMAIL_BACKEND is deprecated);
`mailers_setting(config)` returns that setting, and `open_mailer(config)` builds the same
backend directly, so a send always uses the workspace it was given. `[mail] backend` is "smtp"
or an anymail backend (e.g. "anymail.backends.postmark.EmailBackend"), which `open_mailer`
wraps in providers.ProviderMailer so the sender handles its answers as it does SMTP's.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.module_loading import import_string

from policypulse.errors import ConfigError

ENV_SMTP_URL = "PULSE_SMTP_URL"
SMTP_BACKEND = "policypulse.mailing.backends.SMTPBackend"


def smtp_url(config) -> str:
    return os.environ.get(ENV_SMTP_URL) or config.mail.smtp_url


def smtp_options(url: str) -> dict:
    """smtp://host:port (plain), smtp+starttls://..., smtps://user:password@host:465."""
    parts = urlsplit(url)
    schemes = {"smtp": (False, False), "smtp+starttls": (True, False), "smtps": (False, True)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigError(
            f"[mail] smtp_url / {ENV_SMTP_URL} must look like smtp://host:port, "
            "smtp+starttls://user@host:587 or smtps://user@host:465"
        )
    use_tls, use_ssl = schemes[parts.scheme]
    try:
        port = parts.port or (465 if use_ssl else 587 if use_tls else 25)
    except ValueError:
        raise ConfigError(f"bad port in the SMTP URL {parts.scheme}://{parts.hostname}") from None
    return {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": 60,
    }


def mailers_setting(config, root: Path | None = None) -> dict:
    """The value of Django's MAILERS setting for this configuration."""
    mail = config.mail
    if mail.backend != "smtp":
        return {"default": {"BACKEND": mail.backend}}
    options = smtp_options(smtp_url(config))
    if mail.dkim_domain and mail.dkim_selector and mail.dkim_key_file:
        key = Path(mail.dkim_key_file)
        if not key.is_absolute() and root is not None:
            key = root / key
        options |= {
            "dkim_domain": mail.dkim_domain,
            "dkim_selector": mail.dkim_selector,
            "dkim_key_file": str(key),
        }
    return {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": options}}


def open_mailer(config, root: Path | None = None):
    """A backend instance for this configuration (not yet connected)."""
    if root is None:
        from django.conf import settings

        workspace = getattr(settings, "WORKSPACE", None)
        root = workspace.root if workspace is not None else Path.cwd()
    setting = mailers_setting(config, root)["default"]
    backend = import_string(setting["BACKEND"])
    if setting["BACKEND"] == SMTP_BACKEND:
        return backend(alias="policypulse", **setting.get("OPTIONS", {}))
    from policypulse.mailing.providers import ProviderMailer, provider_options

    # A provider's API (anymail): its replies classified like SMTP's, its keys from the
    # environment (PULSE_ANYMAIL_SERVER_TOKEN, PULSE_ANYMAIL_API_URL, ...).
    return ProviderMailer(backend(**provider_options()))
