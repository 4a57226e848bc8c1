"""Every editorial change is audited by the service that makes it, whoever calls it: the web
app (the user), the CLI (`cli:<OS user>`) or a background task (`task:<name>`)."""

from __future__ import annotations

import datetime
import getpass
import json

import pytest
from django.conf import settings
from django.urls import reverse

from policypulse.audit.models import AuditEntry
from policypulse.audit.services import cli_actor, record, task_actor
from policypulse.editions import services as editions
from policypulse.summaries.services import edit_summary
from policypulse.triage import services as triage
from tests.clitools import pulse, run_python
from tests.web import factories

TASK = task_actor("nightly-build")


def only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def test_actor_names():
    assert cli_actor() == f"cli:{getpass.getuser()}"
    assert task_actor("send") == "task:send"


@pytest.mark.django_db
def test_a_user_actor_links_the_account_and_a_string_actor_names_itself(editor, month_items):
    record(editor, "decision", month_items[0], before="pending", after="accepted")
    record("task:x", "news", None, after=[])
    by_user, by_task = AuditEntry.objects.exclude(action="user-created").order_by("id")
    assert (by_user.actor, by_user.user, by_user.publication) == (editor.username, editor,
                                                                  month_items[0])  # fmt: skip
    assert (by_task.actor, by_task.user, by_task.publication, by_task.edition) == (
        "task:x", None, None, None)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field, before, after",
    [
        (lambda p: triage.decide(p, TASK, "accepted"), "decision", "pending", "accepted"),
        (lambda p: triage.decide(p, TASK, "rejected"), "decision", "pending", "rejected"),
        (lambda p: triage.change_sector(p, TASK, "justice", settings.PULSE), "sector",
         "adult-care", "justice"),
        (lambda p: triage.change_type(p, TASK, "briefing", settings.PULSE), "type", "report",
         "briefing"),
    ],
)  # fmt: skip
def test_label_changes_are_audited_by_the_triage_service(month_items, change, field, before,
                                                         after):  # fmt: skip
    item = month_items[0]
    change(item)
    entry = only_entry(publication=item)
    assert (entry.actor, entry.action, entry.before, entry.after) == (TASK, field, before, after)


@pytest.mark.django_db
def test_refused_label_changes_leave_no_entry(month_items):
    with pytest.raises(triage.TriageError):
        triage.change_sector(month_items[0], TASK, "nowhere", settings.PULSE)
    with pytest.raises(triage.TriageError):
        triage.decide(month_items[0], TASK, "maybe")
    assert not AuditEntry.objects.exclude(action="user-created").exists()


@pytest.mark.django_db
def test_a_summary_edit_is_audited_by_the_summaries_service(month_items):
    item = month_items[0]  # its summary says 77%, which the source lacks
    old = item.summary.text
    edit_summary(item, TASK, factories.SUMMARY_TEXT, settings.PULSE)
    entry = only_entry(publication=item)
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        TASK, "summary", old, factories.SUMMARY_TEXT)  # fmt: skip


@pytest.fixture
def draft(month_items):
    return editions.build_edition(settings.PULSE, factories.MONTH, actor=TASK)


@pytest.mark.django_db
def test_build_is_audited_with_the_publications_before_and_after(draft, month_items):
    entry = only_entry(edition=draft)
    assert (entry.actor, entry.action, entry.before) == (TASK, "edition-built",
                                                         {"publications": []})  # fmt: skip
    assert entry.after == {"publications": sorted(p.pk for p in month_items)}


@pytest.mark.django_db
def test_each_edition_change_is_audited_by_the_editions_service(draft):
    AuditEntry.objects.all().delete()
    editions.set_foreword(draft, "New *foreword*.", actor=TASK)
    editions.set_news(draft, [{"title": "Stand 4", "body": "Come and see us."}], actor=TASK)
    first = draft.items.order_by("sector", "type", "order").first()
    editions.move_item(draft, first.pk, 1, actor=TASK)
    editions.approve_edition(draft, actor=TASK)
    editions.reopen_edition(draft, actor=TASK)
    entries = list(AuditEntry.objects.filter(edition=draft).order_by("id"))
    assert [(e.actor, e.action) for e in entries] == [
        (TASK, "foreword"), (TASK, "news"), (TASK, "order"), (TASK, "approved"),
        (TASK, "reopened"),
    ]  # fmt: skip
    assert entries[0].after == "New *foreword*."
    assert entries[1].after == [{"title": "Stand 4", "body": "Come and see us."}]
    assert entries[2].before[0] == first.pk and entries[2].after[1] == first.pk
    # A change that changes nothing is not an entry.
    editions.set_foreword(draft, "New *foreword*.", actor=TASK)
    assert AuditEntry.objects.filter(edition=draft).count() == 5


@pytest.mark.django_db
def test_the_web_app_audits_with_the_logged_in_user(editor_client, editor, draft):
    month = factories.MONTH.strftime("%Y-%m")
    editor_client.post(reverse("editor:edition-approve", args=[month]))
    entry = AuditEntry.objects.filter(edition=draft).latest("id")
    assert (entry.actor, entry.user, entry.action) == (editor.username, editor, "approved")
    draft.refresh_from_db()
    assert draft.approved_by == editor


def _python(script: str, workspace) -> str:
    prelude = (
        "import sys; from pathlib import Path; from policypulse import runtime;"
        "runtime.start(Path(sys.argv[1]));"
    )
    return run_python(["-c", prelude + script, str(workspace)]).stdout


def test_pulse_edition_build_and_approve_leave_entries_naming_the_cli_user(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    _python("from tests.web.factories import make_candidates; make_candidates(4)", workspace)
    built = pulse("editions", "build", "--month", "2026-11", workspace=workspace)
    assert built.returncode == 0, built.stderr
    approved = pulse("editions", "approve", "--month", "2026-11", workspace=workspace)
    assert approved.returncode == 0, approved.stderr
    rows = json.loads(_python(
        "import json; from policypulse.audit.models import AuditEntry as A;"
        "print(json.dumps([[e.actor, e.action, e.edition.month_key, e.before, e.after]"
        " for e in A.objects.order_by('id')]))", workspace))  # fmt: skip
    actor = f"cli:{getpass.getuser()}"
    assert [row[:3] for row in rows] == [
        [actor, "edition-built", "2026-11"], [actor, "approved", "2026-11"]]  # fmt: skip
    assert len(rows[0][4]["publications"]) == 4 and rows[0][3] == {"publications": []}
    assert rows[1][3:] == ["draft", "approved"]


def test_pulse_users_create_leaves_an_entry_naming_the_cli_user(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    made = pulse("users", "create", "ed@example.org", "--role", "admin", "--password-stdin",
                 stdin="a long password\n", workspace=workspace)  # fmt: skip
    assert made.returncode == 0, made.stderr
    rows = json.loads(_python(
        "import json; from policypulse.audit.models import AuditEntry as A;"
        "print(json.dumps([[e.actor, e.action, e.after] for e in A.objects.order_by('id')]))",
        workspace))  # fmt: skip
    assert rows == [
        [f"cli:{getpass.getuser()}", "user-created", {"user": "ed@example.org", "role": "admin"}]
    ]


@pytest.mark.django_db
def test_an_account_made_in_the_web_app_is_audited_once(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("editor:users"), {
        "email": "new@example.org", "role": "editor", "password": "a long password"})  # fmt: skip
    entries = AuditEntry.objects.filter(action="user-created", user=admin_user)
    assert [(e.actor, e.after) for e in entries] == [
        (admin_user.username, {"user": "new@example.org", "role": "editor"})
    ]


@pytest.mark.django_db(transaction=True)
def test_the_move_to_the_audit_app_keeps_the_rows_and_names_their_actors():
    """web.0002 -> audit.0002 on SQLite: the table, its rows, and a name for each actor."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("web", "0002_roles"), ("audit", None)])
    old = executor.loader.project_state([("web", "0002_roles")]).apps
    user = old.get_model("auth", "User").objects.create(username="ed@example.org")
    old.get_model("web", "AuditEntry").objects.create(
        user_id=user.pk, action="foreword", before="a", after="b",
        at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.user_id, entry.action, entry.after) == (
        "ed@example.org", user.pk, "foreword", "b")  # fmt: skip
