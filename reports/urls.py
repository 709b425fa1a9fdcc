from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/export.xlsx", views.scorecard_export, name="scorecard-export"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/overdue/", views.portfolio_overdue, name="portfolio-overdue"),
    path("portfolio/export.xlsx", views.portfolio_export, name="portfolio-export"),
]
