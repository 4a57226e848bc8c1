"""Accounts, roles and log-in throttling.

Roles are Django groups: `editor` edits the month's content; `admin` also manages users and may
use the Django admin. Throttling counts recent failed log-ins per account and per address, kept
in the database (a restart forgets nothing); the decision itself is a pure function over
timestamps so it is tested without waiting. It sits in the authentication backend, below every
log-in form: the editor's, the Django admin's (which is routed to the editor's anyway) and any
other caller of `authenticate`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from policypulse.errors import PulseError

EDITOR, ADMIN = "editor", "admin"
ROLES = (EDITOR, ADMIN)
MIN_PASSWORD_LENGTH = 10
THROTTLE_LIMIT = 5
THROTTLE_WINDOW = datetime.timedelta(minutes=15)


class AccountError(PulseError):
    """A user cannot be created as asked (bad e-mail, role or password)."""


def ensure_roles() -> dict[str, Group]:
    """The role groups (a data migration creates them; this keeps flushed test DBs working)."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}


def roles_of(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if not hasattr(user, "_pulse_roles"):
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMIN)
        user._pulse_roles = names
    return user._pulse_roles


def is_editor(user) -> bool:
    """Admins are editors too."""
    return bool(roles_of(user))


def is_admin(user) -> bool:
    return ADMIN in roles_of(user)


def _require(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied("your role does not allow this page")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


editor_required = _require(is_editor)
admin_required = _require(is_admin)


def create_user(email: str, role: str, password: str, *, actor):
    """A new account whose user name is its e-mail address; admins may use the Django admin.
    Recorded in the audit log under `actor`, so an account made on the command line is traced
    as well as one made in the web app."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"{email!r} is not an e-mail address") from None
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user_model = get_user_model()
    try:
        validate_password(password, user_model(username=email, email=email))
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    with transaction.atomic():
        if user_model.objects.filter(username=email).exists():
            raise AccountError(f"a user {email} already exists")
        user = user_model.objects.create_user(
            username=email,
            email=email,
            password=password,
            is_staff=role == ADMIN,
            is_superuser=role == ADMIN,
        )
        user.groups.add(ensure_roles()[role])
        from policypulse.audit.services import record

        record(actor, "user-created", after={"user": user.username, "role": role})
    return user


def throttled(
    failures: Iterable[datetime.datetime],
    now: datetime.datetime,
    *,
    limit: int = THROTTLE_LIMIT,
    window: datetime.timedelta = THROTTLE_WINDOW,
) -> bool:
    """True when `limit` or more failures fall inside the window ending now."""
    return sum(1 for at in failures if now - at < window) >= limit


def client_address(request) -> str:
    """The peer address. Behind a proxy, set the proxy to overwrite REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "")[:64]


def login_blocked(username: str, address: str, now: datetime.datetime | None = None) -> bool:
    from django.db.models import Q

    from policypulse.web.models import LoginFailure

    now = now or timezone.now()
    recent = LoginFailure.objects.filter(at__gt=now - THROTTLE_WINDOW)
    by_user = recent.filter(username=_key(username)).values_list("at", flat=True)
    if throttled(by_user, now):
        return True
    if not address:  # no request (a script): only the account counts
        return False
    # An address gets more room than an account: an office shares one address.
    by_address = recent.filter(Q(address=address)).values_list("at", flat=True)
    return throttled(by_address, now, limit=THROTTLE_LIMIT * 4)


def _key(username) -> str:
    return str(username or "").strip().lower()[:254]


def record_login_failure(username: str, address: str) -> None:
    from policypulse.web.models import LoginFailure

    LoginFailure.objects.create(username=_key(username), address=address)


def clear_login_failures(username: str) -> None:
    from policypulse.web.models import LoginFailure

    LoginFailure.objects.filter(username=_key(username)).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's user-and-password check, refused outright while the account or the address is
    throttled (PermissionDenied stops every backend; Django then reports a failed log-in, which
    `record_failed_login` counts)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        address = client_address(request) if request is not None else ""
        if login_blocked(username or "", address):
            raise PermissionDenied("too many failed log-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)


def record_failed_login(sender, credentials, request=None, **kwargs):
    """`user_login_failed` receiver: every path's failures count towards the one throttle."""
    address = client_address(request) if request is not None else ""
    record_login_failure(credentials.get("username", ""), address)


def forget_failed_logins(sender, request, user, **kwargs):
    """`user_logged_in` receiver: a successful log-in clears the account's failures."""
    clear_login_failures(user.get_username())
