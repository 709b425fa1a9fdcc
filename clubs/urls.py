from django.urls import path

from clubs import views

app_name = "clubs"

urlpatterns = [
    path("", views.club_list, name="club-list"),
    path("new/", views.club_create, name="club-create"),
    path("<int:pk>/", views.club_detail, name="club-detail"),
    path("<int:pk>/edit/", views.club_update, name="club-update"),
    path("<int:pk>/status/", views.club_status_change, name="club-status-change"),
    path("<int:pk>/board/appoint/", views.board_position_create, name="board-position-create"),
    path("<int:pk>/board/<int:position_pk>/end/", views.board_position_end, name="board-position-end"),
    path("<int:pk>/teams/new/", views.team_create, name="team-create"),
    path("<int:pk>/teams/<int:team_pk>/", views.team_detail, name="team-detail"),
    path("<int:pk>/teams/<int:team_pk>/edit/", views.team_update, name="team-update"),
    path("<int:pk>/teams/<int:team_pk>/end/", views.team_end, name="team-end"),
    path("<int:pk>/teams/<int:team_pk>/members/add/", views.team_member_add, name="team-member-add"),
    path("<int:pk>/teams/<int:team_pk>/cared-for/new/", views.team_cared_for_create, name="team-cared-for-create"),
    path(
        "<int:pk>/teams/<int:team_pk>/members/<int:membership_pk>/end/",
        views.team_member_end,
        name="team-member-end",
    ),
]
