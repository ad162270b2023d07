"""Developer portal pages for grants and their production keys. Thin: parse, call one service
of approvals.keys.services, render.

A new key's secret goes straight into the answer to the POST that made it, marked no-store,
and is kept nowhere else: not in the session, not in a message, not in the database (which
holds its digest). Reloading that answer re-sends the POST, so each mint form carries a
one-time token: sent twice, it mints once. Every other page shows the prefix only.
"""

import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from accounts.errors import DomainError
from accounts.models import Role
from accounts.paging import capped_count, count_label, page_for
from approvals import access, grants
from approvals.grants import grant_states
from approvals.models import Grant, ProductionKey

from . import keyformat
from . import services as keys
from .api import MintSerializer, RotateSerializer
from .usage import KEY_USE_ORDER, tallies, usage_context

GRACE_LABELS = {
    "24h": "24 hours (recommended): time to deploy the new key everywhere",
    "1h": "1 hour",
    "none": "No time: the old key stops now, and calls still using it fail at once",
}
GRACE_CHOICES = [(grace, GRACE_LABELS[grace]) for grace in ("24h", "1h", "none")]
GRANT_ORDER = KEY_ORDER = ("-created_at", "-pk")  # newest first; the pk makes it total
PAGE_SIZE = 50
KEYS_BY_USE = 20  # the busiest keys of the window, a page at a time
MINT_TOKENS = "grants.mint_tokens"  # session: one token per mint form shown, spent by its POST


def _may_manage(user) -> bool:
    """Minting and rotating are the grant holder's developers' business; administrators may
    look and revoke. Who sees the grant at all is approvals.access's call (a 404)."""
    return user.has_role(Role.DEVELOPER)


def _manager(request) -> None:
    if not _may_manage(request.user):
        raise PermissionDenied("Only the grant holder's developers mint and rotate its keys.")


# --- keys as shown -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRow:
    key: ProductionKey
    prefix: str
    status: str  # active | rotating | rotated | revoked | expired | blocked
    grant_state: grants.GrantState

    @property
    def current(self) -> bool:
        """Rotatable: a working key under a working grant."""
        return self.status == "active"

    @property
    def revocable(self) -> bool:
        return self.key.revoked_at is None and self.status in ("active", "rotating", "blocked")

    @property
    def working(self) -> bool:
        return self.status in ("active", "rotating")


key_status = keys.key_status


def _key_rows(keys, state: grants.GrantState) -> list[KeyRow]:
    now = timezone.now()
    return [
        KeyRow(k, keyformat.shown_prefix(k.key_id), key_status(k, now, state.live), state)
        for k in keys
    ]


# --- the quickstart -----------------------------------------------------------------------

HELLO = "Hello"
EXAMPLE_BODIES = {  # what each endpoint takes besides the model
    "/v1/chat/completions": {"messages": [{"role": "user", "content": HELLO}]},
    "/v1/completions": {"prompt": HELLO},
}


def quickstart(grant: Grant) -> dict:
    """The example call for this grant: its first endpoint and model, at GATEWAY_BASE_URL."""
    endpoint = (grant.endpoints or ["/v1/chat/completions"])[0]
    model = (grant.model_names or ["chat-small"])[0]
    return {
        "url": settings.GATEWAY_BASE_URL.rstrip("/") + endpoint,
        "body": json.dumps({"model": model, **EXAMPLE_BODIES.get(endpoint, {"input": HELLO})}),
    }


# --- pages ---------------------------------------------------------------------------------


def _mint_token(request) -> str:
    token = secrets.token_urlsafe(16)
    request.session[MINT_TOKENS] = [*request.session.get(MINT_TOKENS, [])[-9:], token]
    return token


def _spend_mint_token(request) -> bool:
    tokens = request.session.get(MINT_TOKENS, [])
    token = request.POST.get("form_token")
    if token not in tokens:
        return False
    request.session[MINT_TOKENS] = [t for t in tokens if t != token]
    return True


def _grant_page(request, grant: Grant, *, errors=None, status=200):
    state = grants.grant_state(grant)
    may_manage = _may_manage(request.user)
    keys_page, keys_pager = page_for(request, grant.keys.all(), order=KEY_ORDER, size=PAGE_SIZE)
    usage = usage_context(grant)
    used, usage["by_key_pager"] = page_for(
        request, usage.pop("keys_by_use"), order=KEY_USE_ORDER, size=KEYS_BY_USE, param="used"
    )
    usage["by_key"] = tallies(used)
    return render(
        request,
        "portal/keys/grant.html",
        {
            "grant": grant,
            "rows": _key_rows(keys_page, state),
            "keys_pager": keys_pager,
            "usage": usage,
            "state": state,
            "active_count": keys.active_keys(grant).count() if state.live else 0,
            "key_cap": settings.KEYS_PER_GRANT,
            "may_manage": may_manage,
            "mint_token": _mint_token(request) if may_manage else "",
            "grant_usable": state.live,
            "errors": errors or {},
            "name": request.POST.get("name", ""),
            "quickstart": quickstart(grant),
        },
        status=status,
    )


def _reveal(request, key: ProductionKey, text: str, *, replaced: ProductionKey | None = None):
    response = render(
        request,
        "portal/keys/reveal.html",
        {
            "key": key,
            "secret": text,
            "prefix": keyformat.shown_prefix(key.key_id),
            "grant": key.grant,
            "replaced": replaced,
            "replaced_prefix": keyformat.shown_prefix(replaced.key_id) if replaced else "",
            "replaced_status": key_status(replaced, timezone.now()) if replaced else "",
            "quickstart": quickstart(key.grant),
        },
    )
    add_never_cache_headers(response)  # no-store: neither the browser nor a proxy keeps it
    return response


@login_required
def grant_list(request):
    visible = access.grants_visible_to(request.user)
    grants = visible.select_related("application", "organization").annotate(
        active_keys=keys.active_key_count(timezone.now())
    )
    page, pager = page_for(request, grants, order=GRANT_ORDER, size=PAGE_SIZE)
    states = grant_states(page.items)
    for grant in page:
        grant.state = states[grant.pk]
        grant.working_keys = grant.active_keys if grant.state.live else 0
    return render(
        request,
        "portal/keys/grants.html",
        {"grants": page.items, "count": count_label(*capped_count(visible)), "pager": pager},
    )


@login_required
def grant_detail(request, pk):
    return _grant_page(request, access.get_grant_for(request.user, pk))


@login_required
@require_POST
def key_mint(request, pk):
    grant = access.get_grant_for(request.user, pk)
    _manager(request)
    data = MintSerializer(data=request.POST)
    if not data.is_valid():
        return _grant_page(request, grant, errors=data.errors, status=400)
    if not _spend_mint_token(request):
        messages.info(
            request,
            "That form was already sent, so no second key was made. "
            "A key's secret is shown only once, right after it is made.",
        )
        return redirect("grants:detail", pk=grant.pk)
    try:
        key, text = keys.key_mint(actor=request.user, grant=grant, name=data.validated_data["name"])
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("grants:detail", pk=grant.pk)
    return _reveal(request, key, text)


@login_required
@require_http_methods(["GET", "POST"])
def key_rotate(request, pk):
    """GET asks to confirm, saying what happens to traffic; POST rotates. Under a grant that
    does not work, or for a key that is not current, both answer 409 with the grant page."""
    key = access.get_key_for(request.user, pk)
    _manager(request)
    state = grants.grant_state(key.grant)
    if key_status(key, timezone.now(), state.live) != "active":
        why = (
            f"The grant is {state.label.lower()}: its keys cannot be rotated."
            if not state.live
            else "Only a current key can be rotated."
        )
        messages.error(request, why)
        return _grant_page(request, key.grant, status=409)
    if request.method == "GET":
        return render(
            request,
            "portal/keys/rotate.html",
            {
                "key": key,
                "prefix": keyformat.shown_prefix(key.key_id),
                "grant": key.grant,
                "grace_choices": [
                    (grace, label, timezone.now() + keys.GRACE_PERIODS[grace])
                    for grace, label in GRACE_CHOICES
                ],
                "default_grace": keys.DEFAULT_GRACE,
            },
        )
    data = RotateSerializer(data=request.POST)
    if not data.is_valid():
        messages.error(request, "Choose how long the old key keeps working.")
        return redirect("grants:rotate", pk=key.pk)
    try:
        new, text = keys.key_rotate(actor=request.user, key=key, grace=data.validated_data["grace"])
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _grant_page(request, key.grant, status=exc.status_code)
    key.refresh_from_db()
    return _reveal(request, new, text, replaced=key)


@login_required
@require_http_methods(["GET", "POST"])
def key_revoke(request, pk):
    """GET asks to confirm; POST revokes. Administrators may revoke too."""
    key = access.get_key_for(request.user, pk)
    prefix = keyformat.shown_prefix(key.key_id)
    if request.method == "GET":
        return render(
            request, "portal/keys/revoke.html", {"key": key, "prefix": prefix, "grant": key.grant}
        )
    try:
        keys.key_revoke(actor=request.user, key=key)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, f"Key {key.name} ({prefix}) is revoked: the gateway refuses it from now on."
        )
    return redirect("grants:detail", pk=key.grant_id)
