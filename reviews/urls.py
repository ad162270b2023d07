from django.urls import include, path

from . import views

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
    path("", include("reviews.access.urls")),
]
