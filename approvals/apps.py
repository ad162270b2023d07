from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """Policy, applications, screening, routing, grants, production keys (later issues)."""

    name = "approvals"
