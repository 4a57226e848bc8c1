"""The editor's upload page: a file that arrived by hand becomes a publication, audited with
the editor's name; only editors may, with a CSRF token, within the size limit."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from policypulse.audit.models import AuditEntry
from policypulse.catalogue.models import Publication
from policypulse.harvest.models import RawDocument
from tests.harvest.pdfs import plain_pdf

PAGE = b"""<!DOCTYPE html><html><head><title>Probation caseloads</title></head><body><main>
<h1>Probation caseloads</h1><p>Caseloads rose by 12% across 7 probation regions in 2025.</p>
</main></body></html>"""


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.django_db
def test_an_editor_adds_a_file_with_overrides(editor_client, editor):
    url = reverse("editor:item-add")
    page = editor_client.get(url)
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    response = editor_client.post(url, {
        "file": upload("embargoed.pdf", plain_pdf("Findings on youth justice"), "application/pdf"),
        "title": "Youth justice: <b>embargoed</b>", "publisher": "Example Trust",
        "published": "2026-11-20", "url": "",
    })  # fmt: skip
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("editor:item", args=[publication.pk])
    assert publication.title == "Youth justice: <b>embargoed</b>" and publication.kind == "pdf"
    assert publication.publisher == "Example Trust" and str(publication.published) == "2026-11-20"
    assert "Findings on youth justice" in publication.text and publication.url == ""
    assert RawDocument.objects.get(publication=publication).role == "upload"
    entry = AuditEntry.objects.get(action="add-publication")
    assert entry.user == editor and entry.publication == publication
    assert entry.after["file"] == "embargoed.pdf"
    shown = editor_client.get(response["Location"])
    assert b"<b>embargoed</b>" not in shown.content  # escaped like any text from outside

    html = editor_client.post(url, {"file": upload("caseloads.html", PAGE, "text/html"),
                                    "url": "https://example.org/caseloads"})  # fmt: skip
    assert html.status_code == 302
    added = Publication.objects.get(url="https://example.org/caseloads")
    assert "rose by 12%" in added.text and added.title == "Probation caseloads"


@pytest.mark.django_db
def test_bad_uploads_are_refused_with_a_reason(editor_client, settings):
    url = reverse("editor:item-add")
    text = editor_client.post(url, {"file": upload("notes.txt", b"plain notes", "text/plain")})
    assert text.status_code == 422 and b"is not a PDF, a Word document" in text.content
    bad_url = editor_client.post(url, {"file": upload("a.html", PAGE, "text/html"),
                                       "url": "javascript:alert(1)"})  # fmt: skip
    assert bad_url.status_code == 400
    no_file = editor_client.post(url, {"title": "x"})
    assert no_file.status_code == 400
    settings.PULSE = settings.PULSE.model_copy(deep=True)
    settings.PULSE.harvest.max_body_megabytes = 0.1
    big = editor_client.post(url, {"file": upload("big.pdf", b"%PDF-1.4" + b"0" * 200_000,
                                                  "application/pdf")})  # fmt: skip
    assert big.status_code == 413 and b"larger than 0.1 MB" in big.content  # before reading
    just_over = editor_client.post(url, {"file": upload("big.pdf", b"%PDF-1.4" + b"0" * 120_000,
                                                        "application/pdf")})  # fmt: skip
    assert just_over.status_code == 413 and b"larger than 0.1 MB" in just_over.content
    assert (
        not Publication.objects.exists()
        and not AuditEntry.objects.exclude(action="user-created").exists()
    )


@pytest.mark.django_db
def test_only_editors_with_a_csrf_token_may_upload(client, editor):
    url = reverse("editor:item-add")
    data = {"file": upload("a.html", PAGE, "text/html")}
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and "/editor/login/" in anonymous["Location"]
    reader = get_user_model().objects.create_user("reader@example.org", password="x" * 20)
    client.force_login(reader)
    assert client.post(url, {"file": upload("a.html", PAGE, "text/html")}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(url, {"file": upload("a.html", PAGE, "text/html")}).status_code == 403
    assert not Publication.objects.exists()
