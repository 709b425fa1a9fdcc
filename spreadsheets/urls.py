from django.urls import path  # noqa: F401

from spreadsheets import views  # noqa: F401

app_name = "spreadsheets"

urlpatterns = []
