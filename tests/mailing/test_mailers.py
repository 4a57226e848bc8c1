from pathlib import Path

import pytest

from policypulse.errors import ConfigError, MailError
from policypulse.mailing.mailers import mailers_setting, smtp_options
from policypulse.mailing.sending import send_lock


def test_smtp_urls():
    assert smtp_options("smtp://127.0.0.1:8025") | {"timeout": 0} == {
        "host": "127.0.0.1", "port": 8025, "username": None, "password": None,
        "use_tls": False, "use_ssl": False, "timeout": 0,
    }  # fmt: skip
    secure = smtp_options("smtps://digest%40example.org:p%3Ass@mail.example.org")
    assert (secure["port"], secure["use_ssl"], secure["username"], secure["password"]) == (
        465,
        True,
        "digest@example.org",
        "p:ss",
    )
    assert smtp_options("smtp+starttls://u@h")["port"] == 587
    with pytest.raises(ConfigError):
        smtp_options("http://example.org")


def test_environment_overrides_the_file_and_dkim_paths_resolve(config, monkeypatch):
    monkeypatch.setenv("PULSE_SMTP_URL", "smtps://u:secret@mx.example.org:2465")
    config.mail.dkim_domain, config.mail.dkim_selector = "example.org", "s1"
    config.mail.dkim_key_file = "keys/dkim.pem"
    setting = mailers_setting(config, Path("/srv/digest"))["default"]
    assert setting["BACKEND"] == "policypulse.mailing.backends.SMTPBackend"
    options = setting["OPTIONS"]
    assert (options["host"], options["port"], options["password"]) == (
        "mx.example.org",
        2465,
        "secret",
    )
    assert options["dkim_key_file"] == "/srv/digest/keys/dkim.pem"
    config.mail.backend = "anymail.backends.postmark.EmailBackend"
    assert mailers_setting(config) == {
        "default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}
    }


def test_one_send_at_a_time(tmp_path):
    with (
        send_lock(tmp_path / ".send.lock"),
        pytest.raises(MailError, match="another `pulse send`"),
        send_lock(tmp_path / ".send.lock"),
    ):
        pass
    with send_lock(tmp_path / ".send.lock"):
        pass  # released when the first one ended
