from django.urls import path

from . import views

app_name = "grants"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("<int:pk>/", views.grant_detail, name="detail"),
    path("<int:pk>/keys/", views.key_mint, name="mint"),
    path("keys/<int:pk>/rotate/", views.key_rotate, name="rotate"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="revoke"),
]
