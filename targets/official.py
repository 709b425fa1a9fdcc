"""The frame of an official report, as Vietnamese administrations write them: the issuing body
and the national motto at the top, the place and date, and the signature block. One source for
the print layout (templates/targets/print.html) and the PDF (targets/pdf.py)."""

import dataclasses
import datetime

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from areas.models import AdminUnit


@dataclasses.dataclass(frozen=True)
class OfficialFrame:
    issuer: str  # HỘI NGƯỜI CAO TUỔI TỈNH QUẢNG NGÃI
    country: str  # CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    motto: str  # Độc lập - Tự do - Hạnh phúc
    place_and_date: str  # Quảng Ngãi, ngày 24 tháng 11 năm 2022
    title: str
    prepared_by: str  # left signature: who drew the report up
    approved_by: tuple[str, str]  # right signature: on behalf of whom, and the title of the signatory
    sign_hint: str  # (signature, full name)


def place_name(province: AdminUnit) -> str:
    """The province's name without its kind: "Tỉnh Quảng Ngãi" → "Quảng Ngãi"."""
    for prefix in ("Tỉnh ", "Thành phố "):
        if province.name.startswith(prefix):
            return province.name.removeprefix(prefix)
    return province.name


def official_frame(*, province: AdminUnit, on: datetime.date, title: str) -> OfficialFrame:
    """In the active language."""
    return OfficialFrame(
        # "Hội Người cao tuổi tỉnh Quảng Ngãi" in Vietnamese: the translation puts the kind first.
        issuer=_("Elderly Association of %(place)s %(kind)s")
        % {"place": place_name(province), "kind": province.get_kind_display()},
        country=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence - Freedom - Happiness"),
        place_and_date=_("%(place)s, %(day)02d/%(month)02d/%(year)d")
        % {"place": place_name(province), "day": on.day, "month": on.month, "year": on.year},
        title=title,
        prepared_by=_("Prepared by"),
        approved_by=(_("On behalf of the Standing Committee"), pgettext("signatory of the association", "Chair")),
        sign_hint=_("(signature and full name)"),
    )
