from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.models import Role


@login_required
def queue(request):
    if not request.user.has_role(Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("The review queue is for reviewers.")
    return render(request, "reviews/queue.html", {"reviewer": request.user})
