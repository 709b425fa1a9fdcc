from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("capital/", views.capital, name="capital"),
    path("capital/export.xlsx", views.capital_export, name="capital-export"),
    # /funds/club/<club_pk>/
    path("club/<int:club_pk>/", views.club_funds, name="club-funds"),
    path("club/<int:club_pk>/contribution/new/", views.contribution_create, name="contribution-create"),
    path("club/<int:club_pk>/spending/new/", views.spending_create, name="spending-create"),
    path("club/<int:club_pk>/transfer/new/", views.transfer_create, name="transfer-create"),
    path("club/<int:club_pk>/opening-balance/new/", views.opening_balance_create, name="opening-balance-create"),
    path("club/<int:club_pk>/entries/<int:entry_pk>/correct/", views.entry_correct, name="entry-correct"),
    path("club/<int:club_pk>/months/close/", views.month_close, name="month-close"),
    path("club/<int:club_pk>/months/<int:closed_pk>/reopen/", views.month_reopen, name="month-reopen"),
    # The kind of fund last: "income" or "activity" (anything else is no fund: 404).
    path("club/<int:club_pk>/<slug:kind>/", views.cash_book, name="cash-book"),
    path("club/<int:club_pk>/<slug:kind>/export.xlsx", views.cash_book_export, name="cash-book-export"),
]
