"""Administrators' policy pages, under /reviews/policy/ (see config/urls.py)."""

from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.versions, name="versions"),
    path("<int:number>/simulate/", views.simulate, name="simulate"),
    path("<int:number>/publish/", views.publish, name="publish"),
]
