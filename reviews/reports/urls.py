from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [path("transparency/", views.report_page, name="transparency")]
