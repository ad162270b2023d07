from django.urls import path

from . import transparency_views

app_name = "reports"
urlpatterns = [path("transparency/", transparency_views.report_page, name="transparency")]
