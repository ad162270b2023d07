from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("<int:pk>/", views.event, name="event"),
    path("targets/<str:target_type>/<str:target_id>/", views.target, name="target"),
    path("verify/", views.verify, name="verify"),
    path("export/", views.export, name="export"),
]
