from django.urls import path  # noqa: F401

from imports import views  # noqa: F401

app_name = "imports"

urlpatterns = []
