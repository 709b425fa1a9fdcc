"""The club's loan rules, from its operating regulations: versions by effective date.

The rules in force on the approval date are copied onto a loan (loans.services.cycle); a loan
larger or longer than they allow needs an override reason.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.dates import format_date
from core.errors import refusal
from core.money import format_vnd
from core.types import Actor
from funds.services import check_amount, check_club_date
from loans.models import LoanRules

ERROR_NO_RULES = _("The club has no loan rules in force on %(date)s: record the rules of its regulations first.")
ERROR_RULES_DATE_TAKEN = _("The club already has rules in force from %(date)s: choose another date.")
ERROR_OVER_MAX_AMOUNT = _("The amount is more than the rules allow (%(max)s).")
ERROR_OVER_MAX_TERM = _("The term is longer than the rules allow (%(max)s months).")


@transaction.atomic
def rules_record(
    *,
    actor: Actor,
    club: Club,
    effective_from: datetime.date,
    max_amount: int,
    max_term_months: int,
    monthly_rate: Decimal,
    method: str,
    frequency: str,
    grace_days: int = 0,
    regulation_reference: str = "",
) -> LoanRules:
    """A new version of the club's loan rules, in force from `effective_from` until the next one."""
    check_amount(max_amount, "max_amount")
    check_club_date(club=club, day=effective_from, field="effective_from", in_closed_month_allowed=True)
    if LoanRules.objects.filter(club=club, effective_from=effective_from).exists():
        raise refusal(ERROR_RULES_DATE_TAKEN, field="effective_from", date=format_date(effective_from))
    rules = LoanRules(
        club=club,
        effective_from=effective_from,
        max_amount=max_amount,
        max_term_months=max_term_months,
        monthly_rate=monthly_rate,
        method=method,
        frequency=frequency,
        grace_days=grace_days,
        regulation_reference=regulation_reference.strip(),
        created_by=acting_user(actor),
    )
    rules.full_clean(exclude=["created_by"])  # None when a command writes
    rules.save()
    audit_record(
        actor=actor,
        action="loans.rules.recorded",
        target=rules,
        data={
            "club": club.code,
            "effective_from": effective_from.isoformat(),
            "max_amount": max_amount,
            "max_term_months": max_term_months,
            "monthly_rate": str(monthly_rate),
            "method": method,
            "frequency": frequency,
            "grace_days": grace_days,
        },
    )
    return rules


def rules_breaches(*, amount: int, term_months: int, rules: LoanRules) -> list[str]:
    """What in a loan goes beyond the rules, in words (empty when it keeps to them)."""
    breaches = []
    if amount > rules.max_amount:
        breaches.append(str(ERROR_OVER_MAX_AMOUNT % {"max": format_vnd(rules.max_amount)}))
    if term_months > rules.max_term_months:
        breaches.append(str(ERROR_OVER_MAX_TERM % {"max": rules.max_term_months}))
    return breaches


def rules_on(club: Club, on: datetime.date, field: str) -> LoanRules:
    """The rules in force in the club on `on`; refused on `field` when it has none yet."""
    rules = LoanRules.objects.in_force(club, on)
    if rules is None:
        raise refusal(ERROR_NO_RULES, field=field, date=format_date(on))
    return rules
