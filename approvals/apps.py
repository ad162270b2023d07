from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """Policy, applications, screening, routing, grants, production keys, usage."""

    name = "approvals"

    def ready(self):
        # Register this app's Celery tasks in every process (web ones too): services publish
        # them by name from Celery's registry rather than importing the tasks module.
        from approvals.keys import tasks as keys_tasks  # noqa: F401

        from . import tasks  # noqa: F401
