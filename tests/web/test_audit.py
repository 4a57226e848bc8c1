"""The audit log: every change with who, when, before and after; per item, per edition, and
all together; values from the web are escaped when shown."""

import pytest
from django.conf import settings
from django.urls import reverse

from policypulse.audit.models import AuditEntry
from policypulse.summaries.services import edit_summary
from policypulse.triage.services import decide

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_item_history_shows_each_change_newest_first(editor_client, editor, month_items):
    item = month_items[0]
    editor_client.post(reverse("editor:item-decision", args=[item.pk]), {"decision": "accepted"})
    editor_client.post(reverse("editor:item-type", args=[item.pk]), {"type": "briefing"})
    pane = editor_client.get(reverse("editor:item", args=[item.pk]), **HX).content.decode()
    history = pane[pane.index('id="history-h"') :]
    assert history.index("<td>type</td>") < history.index("<td>decision</td>")
    assert "editor@example.org" in history
    assert "<pre>report</pre>" in history and "<pre>briefing</pre>" in history
    other = month_items[1]
    other_pane = editor_client.get(reverse("editor:item", args=[other.pk]), **HX).content.decode()
    assert "No editorial changes yet." in other_pane


@pytest.mark.django_db
def test_audit_page_lists_every_change_escaped(editor_client, editor, month_items):
    item = month_items[0]
    edit_summary(item, editor, "Now <script>alert(1)</script> with 38% rated.", settings.PULSE)
    decide(month_items[1], editor, "rejected")
    page = editor_client.get(reverse("editor:audit")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("editor@example.org") >= 3  # header + two entries
    entry = AuditEntry.objects.get(action="summary")
    assert entry.user == editor and entry.at is not None
    assert entry.before.startswith("The inspectorate") and "<script>" in entry.after


@pytest.mark.django_db
def test_model_runs_do_not_write_the_audit_log(month_items, config):
    from policypulse.triage.services import triage

    triage(config)  # the model labels: no editorial change, nothing to audit
    assert not AuditEntry.objects.exclude(action="user-created").exists()
