"""The loan book in the admin, read-only: every change goes through loans.services, which keeps the
income-generation fund's cash book in step and audits it; here rows can only be searched and read."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from loans.models import Instalment, Loan, LoanRules, Repayment, Rescheduling


class InstalmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Instalment
    extra = 0
    fields = readonly_fields = ("number", "due_on", "late_after", "principal_due", "interest_due", "cancelled_on")


@admin.register(LoanRules)
class LoanRulesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["club", "effective_from", "max_amount", "max_term_months", "monthly_rate", "method", "frequency"]
    list_filter = ["method", "frequency"]
    search_fields = ["club__name", "club__code", "regulation_reference"]
    list_select_related = ["club"]
    date_hierarchy = "effective_from"


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["borrower", "club", "cycle", "amount", "status", "applied_on", "disbursed_on", "closed_on"]
    list_filter = ["status", "purpose", "method"]
    search_fields = ["borrower__full_name", "borrower__name_folded", "club__name", "club__code"]
    list_select_related = ["borrower", "club"]
    date_hierarchy = "applied_on"
    inlines = [InstalmentInline]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["loan", "paid_on", "amount", "principal", "interest", "reversed_on", "created_by"]
    list_filter = ["closed_loan_early"]
    search_fields = ["loan__borrower__full_name", "loan__borrower__name_folded", "loan__club__name", "note"]
    list_select_related = ["loan__borrower", "loan__club", "created_by"]
    date_hierarchy = "paid_on"


@admin.register(Rescheduling)
class ReschedulingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["loan", "rescheduled_on", "term_months", "principal", "interest_carried", "decision_reference"]
    search_fields = ["loan__borrower__full_name", "loan__borrower__name_folded", "loan__club__name", "reason"]
    list_select_related = ["loan__borrower", "loan__club"]
    date_hierarchy = "rescheduled_on"
