from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="member-list"),
    path("clubs/<int:club_pk>/new/", views.member_create, name="member-create"),
    path("<int:pk>/", views.member_detail, name="member-detail"),
    path("<int:pk>/edit/", views.member_update, name="member-update"),
    path("<int:pk>/status/", views.member_status, name="member-status"),
    path("<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("<int:pk>/move/", views.member_move, name="member-move"),
]
