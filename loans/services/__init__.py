"""Writes to the loan book, one module per concern:

- rules.py: the club's loan rules, versioned by effective date;
- cycle.py: a loan applied for, approved or rejected, and disbursed;
- repayments.py: repayments recorded (one, or a meeting's collection sheet) and reversed;
- workouts.py: a loan written off or rescheduled by board decision;
- go_live.py: a running club going live, its books taken over from paper at its cut-off date;
- checks.py: the checks they share.

Every service is atomic, takes the acting user and is audited; money moves through
funds.services.write_entry in the same transaction, so the loan book and the income-generation
fund's cash book always agree. The arithmetic is pure and lives beside them: schedules
(loans/schedules.py), a payment over the instalments (loans/allocation.py), a loan's schedule
taken over (loans/take_over.py).

Callers use the package: `from loans import services; services.loan_apply(...)`. The messages
of the refusals stay in the module that raises them (`services.cycle.ERROR_OVERRIDE_REQUIRED`).
"""

from loans.services.cycle import loan_apply, loan_approve, loan_disburse, loan_reject
from loans.services.go_live import GoLiveRefused, club_go_live, loan_take_over
from loans.services.repayments import collection_sheet_record, repayment_record, repayment_reverse
from loans.services.rules import rules_breaches, rules_record
from loans.services.workouts import loan_reschedule, loan_write_off

__all__ = [
    "GoLiveRefused",
    "club_go_live",
    "collection_sheet_record",
    "loan_apply",
    "loan_approve",
    "loan_disburse",
    "loan_reject",
    "loan_reschedule",
    "loan_take_over",
    "loan_write_off",
    "repayment_record",
    "repayment_reverse",
    "rules_breaches",
    "rules_record",
]
