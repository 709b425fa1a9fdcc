from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from funds.models import ClosedMonth, Fund, FundEntry


class BooksAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: money moves through the funds pages only, whose services check every amount,
    date and balance, lock the funds, refuse closed months and audit each entry. A row changed or
    deleted here would make the cash book disagree with the audit trail and the loan book."""


@admin.register(Fund)
class FundAdmin(BooksAdmin):
    list_display = ["club", "kind", "created_at"]
    list_filter = ["kind", "club__unit__area_type"]
    search_fields = ["club__name", "club__code"]
    list_select_related = ["club"]


@admin.register(FundEntry)
class FundEntryAdmin(BooksAdmin):
    list_display = ["entry_date", "fund", "entry_type", "amount", "direction", "document_number", "created_by"]
    list_filter = ["entry_type", "fund__kind", "source", "fund__club__unit__area_type"]
    search_fields = ["fund__club__name", "fund__club__code", "document_number", "contributor", "description"]
    list_select_related = ["fund__club", "created_by"]
    date_hierarchy = "entry_date"
    raw_id_fields = ["loan", "repayment", "counterpart", "corrects"]


@admin.register(ClosedMonth)
class ClosedMonthAdmin(BooksAdmin):
    list_display = ["club", "month", "closed_by", "closed_at"]
    list_filter = ["club__unit__area_type"]
    search_fields = ["club__name", "club__code"]
    list_select_related = ["club", "closed_by"]
    date_hierarchy = "month"
