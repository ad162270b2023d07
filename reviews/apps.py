from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Queues, claims, decisions, SLAs, access reviews, monitoring, policy changes."""

    name = "reviews"

    def ready(self):
        # Register this app's Celery tasks in every process (web ones too): services publish
        # them by name from Celery's registry rather than importing the tasks module.
        from reviews.access import tasks as access_tasks  # noqa: F401

        from . import tasks  # noqa: F401
