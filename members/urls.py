from django.urls import path  # noqa: F401

from members import views  # noqa: F401

app_name = "members"

urlpatterns = []
