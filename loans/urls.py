from django.urls import path

from loans import views

app_name = "loans"

urlpatterns = [
    # /loans/club/<club_pk>/: the club's loan book, its rules and its meeting collection sheets
    path("club/<int:club_pk>/", views.loan_list, name="loan-list"),
    path("club/<int:club_pk>/new/", views.loan_create, name="loan-create"),
    path("club/<int:club_pk>/rules/", views.rules_list, name="rules"),
    path("club/<int:club_pk>/rules/new/", views.rules_create, name="rules-create"),
    path("club/<int:club_pk>/collection/<int:year>/<int:month>/", views.collection_sheet, name="collection-sheet"),
    # /loans/club/<club_pk>/<pk>/: one loan and its actions
    path("club/<int:club_pk>/<int:pk>/", views.loan_detail, name="loan-detail"),
    path("club/<int:club_pk>/<int:pk>/approve/", views.loan_approve, name="loan-approve"),
    path("club/<int:club_pk>/<int:pk>/reject/", views.loan_reject, name="loan-reject"),
    path("club/<int:club_pk>/<int:pk>/disburse/", views.loan_disburse, name="loan-disburse"),
    path("club/<int:club_pk>/<int:pk>/repayments/new/", views.repayment_create, name="repayment-create"),
    path(
        "club/<int:club_pk>/<int:pk>/repayments/<int:repayment_pk>/reverse/",
        views.repayment_reverse,
        name="repayment-reverse",
    ),
    path("club/<int:club_pk>/<int:pk>/write-off/", views.loan_write_off, name="loan-write-off"),
    path("club/<int:club_pk>/<int:pk>/reschedule/", views.loan_reschedule, name="loan-reschedule"),
]
