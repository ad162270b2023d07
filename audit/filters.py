import django_filters

from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(method="filter_actor",
                                      help_text="The acting account's email (or id).")
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "target_type", "target_id"]

    def filter_actor(self, queryset, name, value):
        if value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset.filter(actor_label__iexact=value.strip())
