from django.http import JsonResponse
from django.shortcuts import render

from accounts.models import normalize_email


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
