from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import AreaType
from core.forms import DateField


class ClassificationForm(forms.Form):
    """A new official classification of one unit (areas.services.unit_classify)."""

    area_type = forms.ChoiceField(label=_("Area type"), choices=AreaType.choices)
    is_border = forms.BooleanField(label=_("Border commune"), required=False)
    valid_from = DateField(label=_("From"), help_text=_("The date the decision takes effect."))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The decision that classifies the unit, with its number and date."),
    )
