from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/export.xlsx", views.scorecard_export, name="scorecard-export"),
]
