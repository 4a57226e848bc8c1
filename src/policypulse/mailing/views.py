"""Public pages: subscribe, confirm, one-click unsubscribe, preferences, the click redirect.

Unsubscribing: a GET (mail scanners follow links) only shows a one-button page; the POST that
button makes, or a mail client's RFC 8058 one-click POST, unsubscribes. That POST needs no
log-in and no CSRF token: the signed token in the URL is the authority, and it names a random
key, never an address. Forged or altered tokens change nothing and say so.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from policypulse.mailing import consent, ratelimit, tokens
from policypulse.mailing.forms import PreferencesForm, SubscribeForm
from policypulse.mailing.models import Subscriber

log = logging.getLogger(__name__)


def _config():
    return settings.PULSE


def _invalid(request):
    return render(request, "mailing/invalid_link.html", status=400)


def _limited(request, scope: str) -> bool:
    return not ratelimit.allow(
        scope, ratelimit.client_key(request), _config().site.form_requests_per_hour
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    config = _config()
    form = SubscribeForm(request.POST or None, config=config)
    if request.method == "POST":
        if _limited(request, "subscribe"):
            return render(request, "mailing/too_many.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            if not data["website"]:
                try:
                    consent.request_subscription(
                        config, address=data["email"], name=data["name"],
                        organisation=data["organisation"], sectors=data["sectors"],
                    )  # fmt: skip
                except consent.InvalidAddress:
                    form.add_error("email", "Enter a valid email address.")
            if form.is_valid():
                # The same page whether the address is new, subscribed or suppressed.
                return render(request, "mailing/check_inbox.html")
    return render(request, "mailing/subscribe.html", {"form": form, "config": config})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    if consent.pending_confirmation(token) is None:  # forged, expired or already used
        return _invalid(request)
    if request.method != "POST":  # GET or HEAD: show the page, change nothing
        return render(request, "mailing/confirm.html", {"config": _config()})
    subscriber = consent.confirm_subscription(token)
    if subscriber is None:
        return _invalid(request)
    consent.send_welcome(_config(), subscriber)
    link = tokens.make_token(subscriber.key, tokens.PREFERENCES)
    return render(request, "mailing/confirmed.html", {"preferences_token": link})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    subscriber = consent.subscriber_for(token, tokens.UNSUBSCRIBE)
    if subscriber is None:
        return _invalid(request)
    if request.method != "POST":  # GET or HEAD: show the page, change nothing
        return render(request, "mailing/unsubscribe.html", {"config": _config()})
    how = "one-click" if request.POST.get("List-Unsubscribe") == "One-Click" else "web page"
    consent.unsubscribe(subscriber, how)
    return render(request, "mailing/unsubscribed.html", {"config": _config()})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token: str):
    config = _config()
    subscriber = consent.subscriber_for(token, tokens.PREFERENCES)
    if subscriber is None:
        return _invalid(request)
    unsubscribe_token = tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)
    receiving = subscriber.status in (Subscriber.Status.ACTIVE, Subscriber.Status.PAUSED)
    initial = {"sectors": subscriber.sectors, "paused": subscriber.status == "paused"}
    form = PreferencesForm(request.POST or None, initial=initial, config=config)
    saved = False
    if request.method == "POST":
        if _limited(request, "preferences"):
            return render(request, "mailing/too_many.html", status=429)
        if receiving and form.is_valid():
            consent.update_preferences(
                subscriber, form.cleaned_data["sectors"], form.cleaned_data["paused"], config
            )
            saved = True
    context = {
        "form": form,
        "saved": saved,
        "receiving": receiving,
        "unsubscribe_token": unsubscribe_token,
        "config": config,
    }
    return render(request, "mailing/preferences.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def click(request, token: str, who: str | None = None):
    """A tracked publication link: count it, then redirect to the URL the database holds for
    that edition's publication. Altered tokens and unknown items are a 404, never a redirect."""
    from django.http import Http404, HttpResponseRedirect

    from policypulse.mailing import clicks

    config = _config()
    if request.method == "HEAD":  # link checkers and previews: answer, count nothing
        target = clicks.target_of(token)
    else:
        target = clicks.record_click(token, who, config)
    if not target:
        raise Http404("no such link")
    response = HttpResponseRedirect(target)
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
def webhooks(request, rest: str):
    """The providers' webhooks (anymail's views), only while a webhook secret is set: without
    one anymail accepts anyone's POST, and a forged bounce would suppress any subscriber. A
    provider whose library is not installed (SES without boto3) is not found, not a crash."""
    from django.core.exceptions import ImproperlyConfigured
    from django.http import Http404
    from django.urls import Resolver404, resolve

    if not (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"):
        raise Http404("webhooks are off: set PULSE_ANYMAIL_WEBHOOK_SECRET")
    try:
        match = resolve("/" + rest, urlconf="anymail.urls")
    except Resolver404:
        raise Http404("no such webhook") from None
    from policypulse.mailing.esp import HandlerFailed

    try:
        return match.func(request, *match.args, **match.kwargs)
    except ImproperlyConfigured:
        raise Http404("this provider's library is not installed") from None
    except HandlerFailed:
        raise  # ours: a 500, so the provider retries
    except (ValueError, LookupError, TypeError, AttributeError) as exc:
        # anymail parses after checking the secret and trusts the shape of the body
        log.warning("malformed %s webhook: %s", rest, exc)
        return HttpResponseBadRequest("malformed webhook")
