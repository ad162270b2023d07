from django.urls import path

from . import keys_views

app_name = "grants"
urlpatterns = [
    path("", keys_views.grant_list, name="list"),
    path("<int:pk>/", keys_views.grant_detail, name="detail"),
    path("<int:pk>/keys/", keys_views.key_mint, name="mint"),
    path("keys/<int:pk>/rotate/", keys_views.key_rotate, name="rotate"),
    path("keys/<int:pk>/revoke/", keys_views.key_revoke, name="revoke"),
]
