from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .chain import verify_chain
from .filters import AuditEventFilter
from .models import AuditEvent


@staff_member_required(login_url="account_login")
def log(request):
    """Administrators read the log here; filters as in the API."""
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.order_by("-id"))
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "filter": events, "page": page, "chain": verify_chain(),
    })
