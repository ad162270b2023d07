from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Queues, claims, decisions, SLAs, access-review campaigns (later issues)."""

    name = "reviews"
