from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .chain import verify_chain
from .filters import AuditEventFilter
from .models import AuditEvent


@login_required
def log(request):
    """Administrators (staff) read the log here; filters as in the API."""
    if not request.user.is_staff:
        raise PermissionDenied("The audit log is for administrators.")
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.order_by("-id"))
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "filter": events, "page": page, "chain": verify_chain(),
    })
