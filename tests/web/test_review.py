"""The review queue: figure highlighting, grouping, decisions (which train the triage and are
audited), inline summary editing re-checked by the guard, escaping, and no N+1 queries."""

import pytest
from django.conf import settings
from django.urls import reverse

from policypulse.audit.models import AuditEntry
from policypulse.triage.models import TriageLabel
from policypulse.triage.services import decide
from policypulse.web import review
from tests.web import factories

HX = {"HTTP_HX_REQUEST": "true"}


def test_mark_figures_marks_what_the_other_text_has_and_what_it_lacks():
    source = "Vacancies: 152,000. Ratings: 38 per cent needed work; costs £2.4 billion."
    summary = "Some 38% needed work, 152,000 vacancies and 77% waited."
    marked = review.mark_figures(summary, source, mark_missing=True)
    assert [(s.text, s.mark) for s in marked if s.mark] == [
        ("38%", "found"), ("152,000", "found"), ("77%", "missing"),
    ]  # fmt: skip
    assert "".join(s.text for s in marked) == summary
    in_source = review.mark_figures(source, summary, mark_missing=False)
    assert [s.text for s in in_source if s.mark] == ["152,000", "38 per cent"]
    assert "".join(s.text for s in in_source) == source


def test_mark_figures_without_figures_is_one_plain_segment():
    assert review.mark_figures("No numbers here.", "1, 2, 3", mark_missing=True) == [
        review.Segment("No numbers here.")
    ]


@pytest.mark.django_db
def test_queue_groups_by_sector_then_type_best_first(month_items):
    groups = review.queue(factories.MONTH, settings.PULSE)
    keys = [(g.sector, g.type) for g in groups]
    assert keys == [(s, t) for s in factories.SECTORS for t in factories.TYPES]
    for group in groups:
        scores = [row.relevance for row in group.rows]
        assert scores == sorted(scores, reverse=True)
    assert sum(len(g.rows) for g in groups) == 12


@pytest.mark.django_db
def test_queue_leaves_out_other_months_and_irrelevant_items(month_items):
    import datetime

    factories.make_candidates(3, datetime.date(2026, 10, 1), prefix="October")
    TriageLabel.objects.filter(publication=month_items[0]).update(relevant=False)
    groups = review.queue(factories.MONTH, settings.PULSE)
    titles = [p.title for g in groups for p in g.rows]
    assert len(titles) == 11 and not any(t.startswith("October") for t in titles)


@pytest.mark.django_db
def test_queue_can_put_the_least_sure_labels_first_and_marks_close_calls(
    editor_client, month_items
):
    first, second, third = month_items[:3]
    sure = {"adult-care": 0.9, "children": 0.04, "justice": 0.03, "out": 0.03}
    close = {"adult-care": 0.1, "children": 0.05, "justice": 0.45, "out": 0.4}
    TriageLabel.objects.filter(publication__in=month_items).update(sector_scores=sure)
    TriageLabel.objects.filter(publication__in=month_items).update(
        sector="justice", type="report", relevance=0.9
    )
    TriageLabel.objects.filter(publication__in=[first, second, third]).update(
        sector_scores=close, relevance=0.55
    )
    TriageLabel.objects.filter(publication=third).update(decided_by="editor")
    groups = review.queue(factories.MONTH, settings.PULSE, sector="justice", type="report",
                          sort="uncertain")  # fmt: skip
    rows = [row for group in groups for row in group.rows]
    assert {rows[0].pk, rows[1].pk} == {first.pk, second.pk}
    assert rows[0].uncertainty == 0.95 and rows[0].runner_up == "out"
    decided = next(row for row in rows if row.pk == third.pk)
    assert decided.uncertainty == 0.0 and decided.runner_up == ""  # the editor has decided
    assert all(row.uncertainty <= 0.95 for row in rows)
    by_relevance = review.queue(factories.MONTH, settings.PULSE, sector="justice", type="report")
    plain = [row.pk for group in by_relevance for row in group.rows]
    assert {first.pk, second.pk} <= set(plain[-3:])  # least relevant: last unless sorted
    page = editor_client.get(reverse("editor:queue"), {"month": "2026-11", "sort": "uncertain"})
    html = page.content.decode()
    assert page.status_code == 200 and "close call: out?" in html
    assert 'value="uncertain" selected' in html
    assert len(plain) == len(rows) == len(month_items)


@pytest.mark.django_db
def test_accept_via_htmx_trains_the_triage_and_is_audited(editor_client, editor, month_items):
    item = month_items[1]
    response = editor_client.post(
        reverse("editor:item-decision", args=[item.pk]), {"decision": "accepted"}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="row-{item.pk}"' in html and 'hx-swap-oob="true"' in html
    label = TriageLabel.objects.get(publication=item)
    assert (label.decision, label.decided_by, label.editor) == ("accepted", "editor", editor)
    entry = AuditEntry.objects.get(publication=item)
    assert (entry.user, entry.action, entry.before, entry.after) == (
        editor, "decision", "pending", "accepted",
    )  # fmt: skip


@pytest.mark.django_db
def test_reject_sector_and_type_changes(editor_client, month_items):
    item = month_items[0]
    assert item.label.sector == "adult-care"
    editor_client.post(reverse("editor:item-decision", args=[item.pk]), {"decision": "rejected"})
    editor_client.post(reverse("editor:item-sector", args=[item.pk]), {"sector": "justice"}, **HX)
    editor_client.post(reverse("editor:item-type", args=[item.pk]), {"type": "briefing"}, **HX)
    label = TriageLabel.objects.get(publication=item)
    assert (label.decision, label.sector, label.type) == ("rejected", "justice", "briefing")
    actions = list(
        AuditEntry.objects.filter(publication=item)
        .order_by("id")
        .values_list("action", "before", "after")
    )
    assert actions == [
        ("decision", "pending", "rejected"),
        ("sector", "adult-care", "justice"),
        ("type", "report", "briefing"),
    ]


@pytest.mark.django_db
def test_unknown_sector_is_a_message_not_a_change(editor_client, month_items):
    item = month_items[0]
    url = reverse("editor:item-sector", args=[item.pk])
    response = editor_client.post(url, {"sector": "<script>x</script>"}, **HX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#messages"
    assert "&lt;script&gt;" in response.content.decode()
    assert TriageLabel.objects.get(publication=item).sector == "adult-care"
    plain = editor_client.post(url, {"sector": "nowhere"}, follow=True)
    assert "unknown sector" in plain.content.decode()
    assert not AuditEntry.objects.exclude(action="user-created").exists()


@pytest.mark.django_db
def test_editing_a_summary_rechecks_it_and_marks_it_edited(editor_client, editor, month_items):
    item = month_items[0]  # its summary has 77%, which the source lacks
    assert not item.summary.passed
    new_text = factories.SUMMARY_TEXT + " Complaints reached 1,200 and 99 homes closed."
    response = editor_client.post(
        reverse("editor:item-summary", args=[item.pk]), {"text": new_text}, **HX
    )
    assert response.status_code == 200
    item.summary.refresh_from_db()
    assert item.summary.text == new_text and item.summary.edited_by_editor
    assert [c["span"] for c in item.summary.checks if c["rule"] == "number"] == ["99"]
    html = response.content.decode()
    assert '<mark class="missing">99</mark>' in html and '<mark class="found">1,200</mark>' in html
    entry = AuditEntry.objects.get(publication=item, action="summary")
    assert entry.before.endswith("Waiting times rose 77%.") and entry.after == new_text
    assert entry.user == editor


@pytest.mark.django_db
def test_an_empty_summary_is_refused(editor_client, month_items):
    item = month_items[0]
    response = editor_client.post(
        reverse("editor:item-summary", args=[item.pk]), {"text": "   "}, **HX
    )
    assert response.status_code == 422
    item.summary.refresh_from_db()
    assert item.summary.text.startswith("The inspectorate")


@pytest.mark.django_db
def test_untrusted_text_is_escaped_in_queue_and_item(editor_client, month_items):
    item = month_items[2]
    queue = editor_client.get(reverse("editor:queue"), {"month": "2026-11"}).content.decode()
    assert "<b>2</b>" not in queue and "&lt;b&gt;2&lt;/b&gt;" in queue
    detail = editor_client.get(reverse("editor:item", args=[item.pk]), **HX).content.decode()
    assert "<script>alert" not in detail
    assert "&lt;script&gt;alert(&#x27;source&#x27;)&lt;/script&gt;" in detail
    assert '<mark class="found">38%</mark>' in detail


@pytest.mark.django_db
def test_queue_page_shows_the_selected_item_without_javascript(editor_client, month_items):
    item = month_items[3]
    page = editor_client.get(reverse("editor:queue"), {"month": "2026-11", "item": item.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="item-{item.pk}"' in html and 'id="btn-accept"' in html
    assert "Keyboard shortcuts" in html


@pytest.mark.django_db
def test_queue_filters_by_status(editor_client, month_items):
    decide(month_items[0], "cli:test", "accepted")
    page = editor_client.get(reverse("editor:queue"), {"month": "2026-11", "status": "accepted"})
    assert page.context["total"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [20, 300])
def test_queue_query_count_does_not_grow_with_the_items(
    editor_client, django_assert_max_num_queries, count
):
    factories.make_candidates(count)
    with django_assert_max_num_queries(6):
        response = editor_client.get(reverse("editor:queue"), {"month": "2026-11"})
    assert response.context["total"] == count


@pytest.mark.django_db
def test_an_untriaged_publication_can_be_opened_and_decided(editor_client, editor):
    from policypulse.catalogue.models import Publication

    item = Publication.objects.create(
        url="https://example.org/new", canonical_url="https://example.org/new", title="New one"
    )
    page = editor_client.get(reverse("editor:item", args=[item.pk]))
    assert page.status_code == 200 and "No summary yet." in page.content.decode()
    editor_client.post(reverse("editor:item-decision", args=[item.pk]), {"decision": "accepted"})
    label = TriageLabel.objects.get(publication=item)
    assert (label.decision, label.relevant, label.editor) == ("accepted", True, editor)
    assert editor_client.get(reverse("editor:item", args=[99999])).status_code == 404
