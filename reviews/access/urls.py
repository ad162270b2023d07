"""The access-review pages, under /reviews/ and in the "reviews" namespace (reviews/urls.py
includes these without a namespace of their own)."""

from django.urls import path

from . import views

urlpatterns = [
    path("access-reviews/", views.campaign_list, name="campaigns"),
    path("access-reviews/start/", views.campaign_start, name="campaign_start"),
    path("access-reviews/schedules/", views.schedule_create, name="schedule_create"),
    path(
        "access-reviews/schedules/<int:pk>/delete/",
        views.schedule_delete,
        name="schedule_delete",
    ),
    path("access-reviews/<int:pk>/", views.campaign_page, name="campaign"),
    path("access-reviews/<int:pk>/certify/", views.bulk_certify, name="bulk_certify"),
    path("access-reviews/<int:pk>/end/", views.campaign_end, name="campaign_end"),
    path("access-review-items/<int:pk>/", views.item_page, name="item"),
    path("access-review-items/<int:pk>/reduce/", views.item_reduce, name="item_reduce"),
    path("access-review-items/<int:pk>/decide/", views.item_decide, name="item_decide"),
]
