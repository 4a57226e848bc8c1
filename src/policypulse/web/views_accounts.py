"""Log-in (throttled), log-out and user management (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from policypulse.web import accounts
from policypulse.web.accounts import admin_required

THROTTLED_MESSAGE = "Too many failed log-ins. Wait 15 minutes and try again."


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request):
    """Django's authentication form, refused (429) while an account or address is throttled.
    Also serves /admin/login/, so there is one log-in page and one throttle. The throttle itself
    is in the authentication backend (accounts.ThrottledModelBackend), which records failures
    and clears them on success."""
    target = request.POST.get("next") or request.GET.get("next") or reverse("editor:dashboard")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("editor:dashboard")
    form = AuthenticationForm(request, data=request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        address = accounts.client_address(request)
        if accounts.login_blocked(username, address):
            accounts.record_login_failure(username, address)
            form, error, status = AuthenticationForm(request), THROTTLED_MESSAGE, 429
        elif form.is_valid():
            auth_login(request, form.get_user())
            return HttpResponseRedirect(target)  # not redirect(): it reverses bare words
    return render(
        request, "editor/login.html", {"form": form, "next": target, "error": error}, status=status
    )


@require_POST
def logout(request):
    auth_logout(request)
    return redirect(reverse("editor:login"))


@sensitive_post_parameters("password")
@admin_required
def users(request):
    """List accounts and create one (the web twin of `pulse users create`)."""
    if request.method == "POST":
        try:
            user = accounts.create_user(
                request.POST.get("email", ""),
                request.POST.get("role", ""),
                request.POST.get("password", ""),
                actor=request.user,
            )
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Created {user.username}.")
            return redirect(reverse("editor:users"))
    people = get_user_model().objects.prefetch_related("groups").order_by("username")
    return render(
        request,
        "editor/users.html",
        {"people": people, "roles": accounts.ROLES},
    )
