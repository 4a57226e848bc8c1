"""Security headers and cookies: a CSP on every response; Secure cookies, HSTS and the proxy's
forwarded protocol when [site] base_url is https (issue 11 finding 9)."""

import os
import subprocess
import sys

import pytest

from policypulse.service.security import security_settings


@pytest.fixture
def https_site(settings):
    for key, value in security_settings("https://digest.example.org").items():
        setattr(settings, key, value)
    settings.ALLOWED_HOSTS = ["digest.example.org", "testserver"]
    return settings


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy(client):
    for url in ("/", "/editor/login/", "/subscribe/"):
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, url
        assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy, url
        assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_https_site_behind_a_proxy_sends_hsts_and_secure_cookies(client, https_site):
    response = client.get(
        "/editor/login/", headers={"X-Forwarded-Proto": "https"}, HTTP_HOST="digest.example.org"
    )
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_forwarded_proto_from_a_plain_http_site_is_not_trusted(client):
    response = client.get("/editor/login/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert not response.cookies["csrftoken"]["secure"]


def test_http_and_https_base_urls_give_different_settings():
    plain = security_settings("http://127.0.0.1:8000")
    secure = security_settings("HTTPS://digest.example.org/")
    assert not plain["SESSION_COOKIE_SECURE"] and plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    assert secure["SESSION_COOKIE_SECURE"] and secure["CSRF_COOKIE_SECURE"]
    assert secure["SECURE_HSTS_SECONDS"] >= 31536000
    assert secure["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert plain["SECURE_CSP"] == secure["SECURE_CSP"]


def test_a_workspace_with_an_https_base_url_gets_the_secure_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_WORKSPACE", "DATABASE_URL")}
    (tmp_path / "pulse.toml").write_text('[site]\nbase_url = "https://digest.example.org"\n')
    env["PULSE_WORKSPACE"] = str(tmp_path)
    code = (
        "from policypulse import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER[0], "
        "'django.middleware.csp.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()  # fmt: skip
    assert out == ["True", "True", "31536000", "HTTP_X_FORWARDED_PROTO", "True"]
