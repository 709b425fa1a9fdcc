"""The audit log's filters: club, user, kind of change, dates, one object, and a search."""

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import ACTION_LABELS, AuditEntry
from core.bounded import refuse_control_characters, search_field
from core.forms import DateField, ScopeChoiceField
from core.text import fold

ERROR_DATES_REVERSED = _("The end date is before the start date.")


def _action_choices() -> list[tuple[str, str]]:
    """Every kind of change by its label, in the order of the labels (in the active language)."""
    labelled = sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda item: fold(item[1]))
    return [("", str(_("All kinds"))), *labelled]


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in Vietnam time (settings.TIME_ZONE) at the start of `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilterForm(forms.Form):
    q = search_field(_("Search"))
    club = ScopeChoiceField(label=_("Club"), queryset=None, required=False, empty_label=_("All clubs"))
    actor = ScopeChoiceField(label=_("User"), queryset=None, required=False, empty_label=_("All users"))
    action = forms.ChoiceField(label=_("Kind of change"), required=False)
    since = DateField(label=_("From"), required=False)
    until = DateField(label=_("To"), required=False)
    # One object's history (the links from its page): its type ("clubs.club") and id.
    target_type = forms.CharField(
        required=False, max_length=64, validators=[refuse_control_characters], widget=forms.HiddenInput
    )
    target_id = forms.CharField(
        required=False, max_length=64, validators=[refuse_control_characters], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, clubs: QuerySet[Any], actors: QuerySet[Any], **kwargs: Any) -> None:
        """`clubs`: the clubs the user reads the log of (accounts.access); `actors`: the users
        offered (those who wrote the entries the user may read)."""
        super().__init__(*args, **kwargs)
        cast(ScopeChoiceField, self.fields["club"]).scope(clubs)
        cast(ScopeChoiceField, self.fields["actor"]).scope(actors)
        self.fields["action"].choices = _action_choices()  # type: ignore[attr-defined]  # a ChoiceField

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", ERROR_DATES_REVERSED)
        return cleaned

    def entries(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """The entries among `entries` that the filters select. A filter that does not validate
        (a club outside the user's scope, dates typed wrongly) selects nothing: the page says why,
        and nobody reads the whole log as the answer to what they asked."""
        if not self.is_bound:
            return entries
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["club"] is not None:
            entries = entries.filter(club=data["club"])
        if data["actor"] is not None:
            entries = entries.filter(actor=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["since"]:
            entries = entries.filter(created_at__gte=_day_start(data["since"]))
        if data["until"]:
            entries = entries.filter(created_at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
        if data["target_type"] and data["target_id"]:
            entries = entries.filter(target_type=data["target_type"], target_id=data["target_id"])
        if data["q"]:
            entries = entries.filter(self._search(data["q"]))
        return entries

    @staticmethod
    def _search(text: str) -> Q:
        """The object's name without accents ("lien tri" finds "Liên Trì"), the user's name, or the
        kind of change in words."""
        folded = fold(text)
        kinds = [code for code, label in ACTION_LABELS.items() if folded in fold(str(label))]
        return (
            Q(target_folded__contains=folded)
            | Q(actor__username__icontains=text.strip())
            | Q(actor__full_name__icontains=text.strip())
            | Q(action__in=kinds)
        )
