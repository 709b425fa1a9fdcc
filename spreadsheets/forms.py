import dataclasses

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from spreadsheets import importing, workbook


@dataclasses.dataclass(frozen=True)
class UploadedFile:
    name: str
    content: bytes


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, spec: importing.ImportSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec

    def clean_file(self) -> UploadedFile:
        """Refuse the file before keeping it: size, format, macros, formulas, headers, no rows."""
        upload = self.cleaned_data["file"]
        # One byte over the limit is enough to refuse it; a huge file is never read whole.
        content = upload.read(workbook.MAX_FILE_BYTES + 1)
        try:
            importing.check_file(self.spec, content)
        except workbook.ImportRefused as exc:
            raise ValidationError(exc.messages) from None
        return UploadedFile(name=upload.name, content=content)
