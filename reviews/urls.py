from django.urls import path

from . import access_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("next/", views.claim_next, name="next"),
    path("settings/", views.reviewer_settings, name="settings"),
    path("applications/<int:pk>/", views.review, name="review"),
    path("applications/<int:pk>/claim/", views.claim, name="claim"),
    path("applications/<int:pk>/release/", views.release, name="release"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/comments/", views.comment, name="comment"),
    path("access-reviews/", access_views.campaign_list, name="campaigns"),
    path("access-reviews/start/", access_views.campaign_start, name="campaign_start"),
    path("access-reviews/schedules/", access_views.schedule_create, name="schedule_create"),
    path(
        "access-reviews/schedules/<int:pk>/delete/",
        access_views.schedule_delete,
        name="schedule_delete",
    ),
    path("access-reviews/<int:pk>/", access_views.campaign_page, name="campaign"),
    path("access-reviews/<int:pk>/certify/", access_views.bulk_certify, name="bulk_certify"),
    path("access-reviews/<int:pk>/end/", access_views.campaign_end, name="campaign_end"),
    path("access-review-items/<int:pk>/", access_views.item_page, name="item"),
    path("access-review-items/<int:pk>/decide/", access_views.item_decide, name="item_decide"),
]
