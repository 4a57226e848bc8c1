"""A finished message, scored offline by SpamAssassin (Debian `spamassassin`, `-L`: no network)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from policypulse.mailing.sending import send_edition
from tests.mailing.helpers import make_subscribers


def spamassassin_score(raw: bytes) -> tuple[float, str]:
    if not shutil.which("spamassassin"):
        pytest.fail("SpamAssassin is missing: apt-get install spamassassin")
    report = subprocess.run(["spamassassin", "-L", "-t"], input=raw, capture_output=True,
                            timeout=120, check=True).stdout.decode("utf-8", "replace")  # fmt: skip
    score = re.search(r"Content analysis details:\s+\((-?[\d.]+) points", report)
    assert score, report[-2000:]
    return float(score.group(1)), report[report.index("Content analysis details") :]


@pytest.mark.django_db
def test_finished_message_scores_below_two(mail_config, edition, sink, clock, dkim_key):
    key, _ = dkim_key
    mail_config.mail.smtp_url = sink.url
    mail_config.mail.dkim_domain = "example.org"
    mail_config.mail.dkim_selector = "pulse"
    mail_config.mail.dkim_key_file = str(key)
    make_subscribers(1)
    send_edition(edition, mail_config, clock=clock)
    score, details = spamassassin_score(sink.messages()[0][2])
    print(f"SpamAssassin score {score}\n{details}")
    assert score < 2, details
