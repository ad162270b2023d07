from datetime import UTC, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

from audit.models import AuditEvent

from . import search

# The offsets that clocks use (UTC-12:00 to UTC+14:00). PostgreSQL refuses a literal past
# +-15:59 and a time that falls outside years 1-9999 in UTC overflows Python's datetime:
# both answered 500, or broke an export mid-stream (issue 12.13).
MIN_OFFSET, MAX_OFFSET = timedelta(hours=-12), timedelta(hours=14)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, refused unless its offset is a real one, and given on in UTC: the
    query then never carries an offset or a year the database cannot take."""

    default_error_messages = {
        "offset": "Give a UTC offset between -12:00 and +14:00.",
        "range": "Give a time between the years 1 and 9999 in UTC.",
    }

    def to_python(self, value):
        try:
            result = super().to_python(value)
            if result is None:
                return None
            if not MIN_OFFSET <= result.utcoffset() <= MAX_OFFSET:
                raise ValidationError(self.error_messages["offset"], code="offset")
            return result.astimezone(UTC)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["range"], code="range") from exc


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class AuditEventFilter(django_filters.FilterSet):
    """The audit log's filters, for the page, the API list and both exports. Each is served by
    an index (see AuditEvent.Meta); the results are ordered by the caller (keyset on id)."""

    actor = django_filters.CharFilter(
        method="filter_actor",
        label="Actor",
        max_length=254,
        help_text="The acting account's email (or id).",
    )
    action = django_filters.CharFilter(
        label="Action", max_length=80, help_text="Exactly, e.g. application.submitted."
    )
    target_type = django_filters.CharFilter(label="Target type", max_length=80)
    target_id = django_filters.CharFilter(label="Target id", max_length=64)
    since = UtcDateTimeFilter(
        field_name="at",
        lookup_expr="gte",
        label="Since (UTC)",
        help_text="From this time on (ISO 8601; an offset may be given).",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
    )
    until = UtcDateTimeFilter(
        field_name="at",
        lookup_expr="lt",
        label="Until (UTC)",
        help_text="Before this time.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        min_length=search.MIN_LENGTH,
        max_length=search.MAX_LENGTH,
        help_text=f"At least {search.MIN_LENGTH} characters, found anywhere in the actor, "
        "action, target, request id or data.",
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "since", "until", "q"]

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset.filter(actor_label__iexact=value)

    def filter_search(self, queryset, name, value):
        return queryset.filter(search.Matches(value.strip()))

    def applied(self) -> dict:
        """The filters in use, by name, as given: for the export's own audit event."""
        return {
            name: self.data[name]
            for name in self.filters
            if self.form.cleaned_data.get(name) not in (None, "")
        }
