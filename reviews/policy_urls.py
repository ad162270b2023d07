"""Administrators' policy pages, under /reviews/policy/ (see config/urls.py)."""

from django.urls import path

from . import policy_views

app_name = "policy"
urlpatterns = [
    path("", policy_views.versions, name="versions"),
    path("<int:number>/simulate/", policy_views.simulate, name="simulate"),
    path("<int:number>/publish/", policy_views.publish, name="publish"),
]
