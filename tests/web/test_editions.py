"""The edition editor: build, foreword (draft first), news, order, previews, approval and
the freeze, each change audited on the edition."""

import pytest
from django.urls import reverse

from policypulse.audit.models import AuditEntry
from policypulse.editions.models import Edition

HX = {"HTTP_HX_REQUEST": "true"}
MONTH = "2026-11"


@pytest.fixture
def edition(editor_client, month_items):
    editor_client.post(reverse("editor:edition-build", args=[MONTH]))
    return Edition.objects.get(month__year=2026, month__month=11)


def url(name):
    return reverse(name, args=[MONTH])


@pytest.mark.django_db
def test_missing_edition_offers_to_build_it(editor_client, month_items):
    page = editor_client.get(url("editor:edition"))
    assert page.status_code == 200 and b"Build the draft" in page.content
    assert editor_client.get(reverse("editor:edition", args=["2026-13"])).status_code == 404


@pytest.mark.django_db
def test_build_gives_a_draft_with_the_draft_foreword_marked(editor_client, edition):
    assert edition.items.count() == 12 and edition.foreword_is_draft
    page = editor_client.get(url("editor:edition")).content.decode()
    assert 'id="foreword-draft"' in page and "Draft by PolicyPulse" in page
    assert AuditEntry.objects.get(edition=edition).action == "edition-built"


@pytest.mark.django_db
def test_saving_the_foreword_makes_it_the_editors(editor_client, editor, edition):
    draft = edition.foreword
    response = editor_client.post(
        url("editor:edition-foreword"), {"foreword": "This month **matters**."}, **HX
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "preview-changed"
    fragment = response.content.decode()
    assert "Written by the editor" in fragment
    history = fragment[fragment.index('id="edition-history"') :]
    assert 'hx-swap-oob="true"' in history[:80] and "<td>foreword</td>" in history
    edition.refresh_from_db()
    assert edition.foreword == "This month **matters**." and not edition.foreword_is_draft
    entry = AuditEntry.objects.get(edition=edition, action="foreword")
    assert (entry.user, entry.before, entry.after) == (editor, draft, edition.foreword)


@pytest.mark.django_db
def test_foreword_preview_is_sanitised_markdown(editor_client, edition):
    response = editor_client.post(
        url("editor:edition-foreword-preview"),
        {"foreword": "**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)>"},
    )
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "onerror" not in html and "<img" not in html


@pytest.mark.django_db
def test_news_items_are_saved_and_removed(editor_client, edition):
    editor_client.post(
        url("editor:edition-news"),
        {"title": ["Conference", "Staff", ""], "body": ["Join us in *May*.", "Welcome Sam.", ""]},
        **HX,
    )
    edition.refresh_from_db()
    assert edition.news == [
        {"title": "Conference", "body": "Join us in *May*."},
        {"title": "Staff", "body": "Welcome Sam."},
    ]
    editor_client.post(
        url("editor:edition-news"),
        {"title": ["Conference", "Staff", ""], "body": ["Join us in *May*.", "Welcome Sam.", ""],
         "remove": ["0"]},
    )  # fmt: skip
    edition.refresh_from_db()
    assert edition.news == [{"title": "Staff", "body": "Welcome Sam."}]
    assert AuditEntry.objects.filter(edition=edition, action="news").count() == 2


@pytest.mark.django_db
def test_moving_an_item_changes_the_order_within_its_subsection(editor_client, edition):
    from django.conf import settings

    from policypulse.editions.services import sections_of

    def order():
        sub = sections_of(edition, settings.PULSE)[0].subsections[0]
        return [entry.key for entry in sub.entries]

    before = order()
    assert len(before) >= 2
    response = editor_client.post(
        url("editor:edition-move"), {"item": before[-1], "step": "-1"}, **HX
    )
    assert response.status_code == 200
    after = order()
    assert after == [*before[:-2], before[-1], before[-2]]
    entry = AuditEntry.objects.get(edition=edition, action="order")
    assert (entry.before, entry.after) == (before, after)
    bad = editor_client.post(url("editor:edition-move"), {"item": before[0], "step": "9"}, **HX)
    assert bad.status_code == 422


@pytest.mark.django_db
def test_previews_render_the_email_and_the_pdf(editor_client, edition):
    editor_client.post(url("editor:edition-foreword"), {"foreword": "A *fine* month."})
    html = editor_client.get(url("editor:edition-preview-html"))
    assert html.status_code == 200 and html["X-Frame-Options"] == "SAMEORIGIN"
    body = html.content.decode()
    assert "<em>fine</em>" in body and "Item 1: report on services" in body
    assert "<b>1</b>" not in body
    pdf = editor_client.get(url("editor:edition-preview-pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_approval_freezes_until_made_a_draft_again(editor_client, editor, edition):
    response = editor_client.post(url("editor:edition-approve"))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == "approved" and edition.approved_by == editor
    refused = editor_client.post(url("editor:edition-foreword"), {"foreword": "Late."}, follow=True)
    assert "start a new draft" in refused.content.decode()
    refused_htmx = editor_client.post(url("editor:edition-foreword"), {"foreword": "Late."}, **HX)
    assert refused_htmx.status_code == 422
    edition.refresh_from_db()
    assert edition.foreword != "Late."
    page = editor_client.get(url("editor:edition")).content.decode()
    assert 'id="foreword-input"' not in page and "Make it a draft again" in page
    editor_client.post(url("editor:edition-reopen"))
    edition.refresh_from_db()
    assert edition.status == "draft" and edition.approved_at is None
    actions = list(
        AuditEntry.objects.filter(edition=edition).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["edition-built", "approved", "reopened"]
    history = editor_client.get(url("editor:edition")).content.decode()
    assert "reopened" in history and "approved" in history


@pytest.mark.django_db
def test_editions_list_and_dashboard_attention(editor_client, edition, sources):
    listing = editor_client.get(reverse("editor:editions")).content.decode()
    assert edition.title in listing
    dashboard = editor_client.get(reverse("editor:dashboard"), {"month": MONTH})
    html = dashboard.content.decode()
    assert "the foreword is still PolicyPulse" in html
    assert "items await a decision" in html
    assert "source is failing" in html
    assert "HTTP 503 &lt;b&gt;oops&lt;/b&gt;" in html
    assert html.index("broken-feed") < html.index("healthy-feed")
    funnel = {row.key: row for row, _ in dashboard.context["funnel"]}
    assert (funnel["adult-care"].harvested, funnel["adult-care"].relevant) == (4, 4)
    assert funnel["adult-care"].in_edition == 4 and funnel["adult-care"].accepted == 0


@pytest.mark.django_db
def test_a_sent_edition_cannot_become_a_draft(editor_client, edition):
    from policypulse.editions.services import reopen_edition
    from policypulse.errors import EditionError

    Edition.objects.filter(pk=edition.pk).update(status="sent")
    with pytest.raises(EditionError, match="only an approved edition"):
        reopen_edition(edition, actor="cli:test")
    response = editor_client.post(url("editor:edition-reopen"), follow=True)
    assert "only an approved edition" in response.content.decode()
    edition.refresh_from_db()
    assert edition.status == "sent"
