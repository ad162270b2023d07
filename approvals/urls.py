from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_new, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
]
