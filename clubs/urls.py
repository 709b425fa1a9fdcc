from django.urls import path

from clubs import views

app_name = "clubs"

urlpatterns = [
    path("", views.club_list, name="club-list"),
    path("new/", views.club_create, name="club-create"),
    path("<int:pk>/", views.club_detail, name="club-detail"),
    path("<int:pk>/edit/", views.club_update, name="club-update"),
    path("<int:pk>/status/", views.club_status_change, name="club-status-change"),
]
