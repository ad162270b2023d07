from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Register this app's Celery tasks in every process (web ones too): services publish
        # them by name from Celery's registry rather than importing the tasks module.
        from . import checks, tasks  # noqa: F401
