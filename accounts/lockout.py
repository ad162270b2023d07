from .models import normalize_email


def username_from_request(request, credentials):
    """The address an attempt was made for, the same way on every login path."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("email")
    return normalize_email(value or "")
