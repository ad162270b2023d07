"""Administrators' policy pages, under /reviews/policy/ (see config/urls.py)."""

from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.versions, name="versions"),
    path("<int:number>/simulate/", views.simulate, name="simulate"),
    path("<int:number>/publish/", views.publish, name="publish"),
    path("classifier/", views.classifiers, name="classifiers"),
    path("classifier/<int:number>/", views.classifier_simulate, name="classifier-simulate"),
    path("classifier/<int:number>/publish/", views.classifier_publish, name="classifier-publish"),
]
