from axes.utils import reset
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from accounts.models import normalize_email

from .client import client_ip


def username_from_request(request, credentials):
    """The address an attempt was made for, the same way on every login path."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("email")
    return normalize_email(value or "")


LOCKED_OUT = "Too many failed sign-in attempts; try again later or reset your password."


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """429 for a locked-out (address, network) pair: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT, "code": "locked_out"}, status=429)
    return render(request, "account/lockout.html", status=429)


def failures_forget(request, email: str) -> None:
    """After a token sign-in, what AXES_RESET_ON_SUCCESS does after a page sign-in (axes
    hears of those through user_logged_in, which the token endpoint never sends): this
    client's failures for this account are forgotten, so typos spread over successful
    sign-ins never add up to a lockout. The per-account bound's count is left alone."""
    ip, username = client_ip(request), normalize_email(email)
    if settings.AXES_RESET_ON_SUCCESS and ip and username:
        reset(ip=ip, username=username)
