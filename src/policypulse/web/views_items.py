"""The editor adds a publication that arrived by hand: an uploaded PDF, DOCX or HTML file.

The file goes through the same service as `pulse items add FILE` (harvest.services.add_file),
which reads it, stores it with its raw bytes and audits the addition with the editor's name.
Uploads are refused before they are read when the request is larger than the harvest's
max_body_megabytes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from policypulse.errors import PulseError
from policypulse.harvest.services import Overrides, add_file
from policypulse.web.accounts import editor_required

MULTIPART_SLACK = 64 * 1024  # the form's other fields and the multipart boundaries


class AddFileForm(forms.Form):
    file = forms.FileField(label="File (PDF, Word .docx or HTML)")
    url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https",
        label="Public address", help_text="Where readers can find it, if anywhere.",
    )  # fmt: skip
    title = forms.CharField(required=False, max_length=1000)
    publisher = forms.CharField(required=False, max_length=300)
    published = forms.DateField(required=False, label="Published (YYYY-MM-DD)")


def _limit() -> int:
    return int(settings.PULSE.harvest.max_body_megabytes * 1024 * 1024)


@require_http_methods(["GET", "HEAD", "POST"])
@editor_required
def add_item(request):
    limit = _limit()
    form, status, refused = AddFileForm(), 200, ""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + MULTIPART_SLACK:  # refused before the body is read
            status, refused = 413, f"The file is larger than {_megabytes()} MB."
        else:
            form = AddFileForm(request.POST, request.FILES)
            status = _add(request, form, limit)
            if status == 302:
                return redirect("editor:item", form.publication.pk)
    context = {"form": form, "limit_mb": _megabytes(), "refused": refused}
    return render(request, "editor/add_item.html", context, status=status)


def _megabytes() -> str:
    return f"{settings.PULSE.harvest.max_body_megabytes:g}"


def _add(request, form: AddFileForm, limit: int) -> int:
    if not form.is_valid():
        return 400
    upload = form.cleaned_data["file"]
    if upload.size > limit:
        form.add_error("file", f"The file is larger than {_megabytes()} MB.")
        return 413
    data = upload.read()
    overrides = Overrides(form.cleaned_data["title"], form.cleaned_data["publisher"],
                          form.cleaned_data["published"])  # fmt: skip
    try:
        publication, outcome = add_file(
            settings.PULSE, data, upload.name or "upload", actor=request.user,
            url=form.cleaned_data["url"], overrides=overrides,
        )  # fmt: skip
    except PulseError as exc:
        form.add_error("file", str(exc))
        return 422
    said = {"new": "Added", "updated": "Updated", "unchanged": "Already known:",
            "duplicates": "Already known (same text) as"}.get(outcome, outcome)  # fmt: skip
    messages.success(request, f"{said} {publication.title}")
    form.publication = publication
    return 302
