from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import api as accounts_api
from approvals import api as approvals_api
from approvals import views as approvals_views
from approvals.keys import api as keys_api
from audit import api as audit_api
from config import views as config_views
from reviews import api as reviews_api
from reviews.access import api as access_api
from reviews.policy import api as policy_api
from reviews.reports import views as transparency_views

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="auth-token"),
    path("signup/", accounts_api.SignupView.as_view(), name="signup"),
    path(
        "guidelines/current/",
        accounts_api.CurrentGuidelinesView.as_view(),
        name="guidelines-current",
    ),
    path(
        "guidelines/accept/", accounts_api.AcceptGuidelinesView.as_view(), name="guidelines-accept"
    ),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path(
        "organizations/<int:pk>/",
        accounts_api.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("domains/", approvals_api.DomainListView.as_view(), name="domains"),
    path("policy-versions/", policy_api.PolicyVersionListView.as_view(), name="policy-versions"),
    path(
        "policy-versions/<int:number>/simulate/",
        policy_api.PolicySimulateView.as_view(),
        name="policy-version-simulate",
    ),
    path(
        "policy-versions/<int:number>/publish/",
        policy_api.PolicyPublishView.as_view(),
        name="policy-version-publish",
    ),
    path(
        "classifier-versions/",
        policy_api.ClassifierVersionListView.as_view(),
        name="classifier-versions",
    ),
    path(
        "classifier-versions/<int:number>/simulate/",
        policy_api.ClassifierSimulateView.as_view(),
        name="classifier-version-simulate",
    ),
    path(
        "classifier-versions/<int:number>/publish/",
        policy_api.ClassifierPublishView.as_view(),
        name="classifier-version-publish",
    ),
    path("health/", approvals_api.HealthView.as_view(), name="health"),
    path("applications/", approvals_api.ApplicationListCreateView.as_view(), name="applications"),
    path(
        "applications/<int:pk>/",
        approvals_api.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:pk>/submit/",
        approvals_api.ApplicationSubmitView.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        approvals_api.ApplicationWithdrawView.as_view(),
        name="application-withdraw",
    ),
    path("grants/", keys_api.GrantListView.as_view(), name="grants"),
    path("grants/<int:pk>/", keys_api.GrantDetailView.as_view(), name="grant-detail"),
    path("grants/<int:pk>/keys/", keys_api.GrantKeysView.as_view(), name="grant-keys"),
    path("keys/<int:pk>/revoke/", keys_api.KeyRevokeView.as_view(), name="key-revoke"),
    path("keys/<int:pk>/rotate/", keys_api.KeyRotateView.as_view(), name="key-rotate"),
    path("keys/verify/", keys_api.VerifyView.as_view(), name="key-verify"),
    path("keys/verify/batch/", keys_api.VerifyBatchView.as_view(), name="key-verify-batch"),
    path("review-queue/", reviews_api.ReviewQueueView.as_view(), name="review-queue"),
    path("review-queue/next/", reviews_api.ClaimNextView.as_view(), name="review-queue-next"),
    path("applications/<int:pk>/claim/", reviews_api.ClaimView.as_view(), name="claim"),
    path("applications/<int:pk>/release/", reviews_api.ReleaseView.as_view(), name="release"),
    path("applications/<int:pk>/decisions/", reviews_api.DecisionView.as_view(), name="decisions"),
    path("applications/<int:pk>/comments/", reviews_api.CommentsView.as_view(), name="comments"),
    path("reviewer/opt-outs/", reviews_api.OptOutsView.as_view(), name="reviewer-opt-outs"),
    path("access-reviews/", access_api.AccessReviewsView.as_view(), name="access-reviews"),
    path(
        "access-reviews/<int:pk>/",
        access_api.AccessReviewDetailView.as_view(),
        name="access-review-detail",
    ),
    path(
        "access-reviews/<int:pk>/items/",
        access_api.AccessReviewItemsView.as_view(),
        name="access-review-items",
    ),
    path(
        "access-reviews/<int:pk>/end/",
        access_api.AccessReviewEndView.as_view(),
        name="access-review-end",
    ),
    path("access-review-items/", access_api.ItemsView.as_view(), name="access-review-item-list"),
    path(
        "access-review-items/certify/",
        access_api.BulkCertifyView.as_view(),
        name="access-review-items-certify",
    ),
    path(
        "access-review-items/<int:pk>/",
        access_api.ItemDetailView.as_view(),
        name="access-review-item",
    ),
    path(
        "access-review-items/<int:pk>/decide/",
        access_api.ItemDecideView.as_view(),
        name="access-review-item-decide",
    ),
    path(
        "access-review-schedules/",
        access_api.SchedulesView.as_view(),
        name="access-review-schedules",
    ),
    path(
        "access-review-schedules/<int:pk>/",
        access_api.ScheduleDetailView.as_view(),
        name="access-review-schedule",
    ),
    path(
        "transparency-report/",
        transparency_views.TransparencyReportView.as_view(),
        name="transparency-report",
    ),
    path("audit-events/", audit_api.AuditEventListView.as_view(), name="audit-events"),
    path(
        "audit-events/verify/", audit_api.AuditChainVerifyView.as_view(), name="audit-events-verify"
    ),
    path(
        "audit-events/verification/",
        audit_api.AuditChainVerificationView.as_view(),
        name="audit-events-verification",
    ),
    path(
        "audit-events/export/", audit_api.AuditEventExportView.as_view(), name="audit-events-export"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", config_views.home, name="home"),
    path("overview/", config_views.overview_page, name="overview"),
    path("accounts/", include("allauth.urls")),
    # The portal home is the developer's dashboard (approvals), ahead of accounts' own home,
    # which still names it: reverse("portal:home") is /portal/.
    path("portal/", approvals_views.portal_home),
    path("portal/", include("accounts.urls")),
    path("portal/applications/", include("approvals.urls")),
    path("portal/grants/", include("approvals.keys.urls", namespace="grants")),
    path("reviews/policy/", include("reviews.policy.urls")),
    path("reviews/", include("reviews.urls")),
    path("audit/", include("audit.urls")),
    path("reports/", include("reviews.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
]

handler400 = "config.exceptions.bad_request"
handler403 = "config.exceptions.permission_denied"
handler404 = "config.exceptions.page_not_found"
handler500 = "config.exceptions.server_error"
