"""Administrative units of Vietnam, dated and grouped in schemes.

The map of communes and districts changed in 2020, on 1 Jan 2025 and again on 1 Jul 2025,
when districts were abolished (docs/domain.md §6). A unit therefore belongs to a scheme (one
version of the map) and has validity dates. Nothing in the code treats "district" as a fixed
layer: levels are data, and "is under" is a prefix test on the materialized `path`.
"""

import datetime
from typing import TYPE_CHECKING, Self, TypeAlias, TypedDict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.models import ValidityPeriod, ValidityQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# A map's short code: ?scheme= and ?map= read no longer one (core.bounded.clean_code).
SCHEME_CODE_MAX_LENGTH = 32


class AdminScheme(ValidityPeriod):
    """One version of the administrative map, e.g. `vn-2020` (1 Feb 2020 – 31 Dec 2024)."""

    code = models.SlugField(_("code"), max_length=SCHEME_CODE_MAX_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=200)
    objects = ValidityQuerySet.as_manager()

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("administrative scheme")
        verbose_name_plural = _("administrative schemes")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "province", _("province level")
    DISTRICT = "district", _("district level")
    COMMUNE = "commune", _("commune level")


class Kind(models.TextChoices):
    PROVINCE = "tinh", _("province")
    CITY = "thanh_pho", _("city")
    TOWN = "thi_xa", _("town")
    DISTRICT = "huyen", _("district")
    COMMUNE = "xa", _("commune")
    WARD = "phuong", _("ward")
    TOWNSHIP = "thi_tran", _("township")
    SPECIAL_ZONE = "dac_khu", _("special zone")


class AreaType(models.TextChoices):
    PLAIN = "plain", _("plain")
    MOUNTAIN = "mountain", _("mountain")
    ISLAND = "island", _("island")


# Depth of a unit in its scheme's tree, counted on the materialized path: "/51/" is 1 (the
# province), "/51/522/" is 2 (the level right under it: districts until 30/06/2025), and so on.
PROVINCE_DEPTH = 1
UNDER_PROVINCE_DEPTH = 2


def district_path(path: str) -> str | None:
    """The path of the district of the unit at `path` — the ancestor right under the province, the
    unit itself when it is right under the province: "/51/522/" for "/51/522/21010/" and for
    "/51/522/"; None for the province ("/51/"). areas.selectors.district_key is its SQL form."""
    codes = path.strip("/").split("/")
    if len(codes) < UNDER_PROVINCE_DEPTH:
        return None
    return "/" + "/".join(codes[:UNDER_PROVINCE_DEPTH]) + "/"


class AdminUnitQuerySet(ValidityQuerySet["AdminUnit"]):
    def under(self, unit: "AdminUnit") -> Self:
        """The unit itself and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def with_classification_on(self, on: datetime.date) -> Self:
        """Each unit with `area_type_on` and `is_border_on`: its classification in force on `on`
        (UnitClassification: the latest dated on or before that day), else the area type the unit
        file gave it and not a border commune. The one rule for a unit's type on a day;
        AdminUnit.classification_on is the same for one unit."""
        in_force = UnitClassification.objects.filter(unit=models.OuterRef("pk"), valid_from__lte=on).order_by(
            "-valid_from"
        )
        return self.annotate(
            area_type_on=Coalesce(models.Subquery(in_force.values("area_type")[:1]), models.F("area_type")),
            is_border_on=Coalesce(
                models.Subquery(in_force.values("is_border")[:1]),
                models.Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def club_hosts(self) -> Self:
        """Units a club can sit in: commune level, or a district-level unit without communes.

        Lý Sơn has had no communes since 2020; project rule (docs/domain.md §6): such a unit hosts
        its clubs itself and counts as one coverage unit.
        """
        has_children = models.Exists(AdminUnit.objects.filter(parent=models.OuterRef("pk")))
        return self.filter(Q(level=Level.COMMUNE) | (Q(level=Level.DISTRICT) & ~has_children))


class AdminUnit(ValidityPeriod):
    """A unit of one map (scheme). Its validity is its scheme's, except that the units of the
    earliest map held for a territory have an open start (`valid_from` empty): a club decided
    before that map, such as one of 2019 under a map starting 1 Feb 2020, sits in them."""

    scheme = models.ForeignKey(AdminScheme, on_delete=models.PROTECT, related_name="units", verbose_name=_("scheme"))
    # Nullable on units only: for mypy a subclass field that also takes None is an incompatible
    # override of ValidityPeriod's, though Django means exactly that.
    valid_from = models.DateField(  # type: ignore[assignment]
        _("valid from"), null=True, blank=True, help_text=_("Empty: since before the earliest map held.")
    )
    code = models.CharField(_("official code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("unit type"), max_length=16, choices=Kind.choices)
    # Empty only for a province, whose districts differ.
    area_type = models.CharField(_("area type"), max_length=16, choices=AreaType.choices, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # The province a unit of a merged province belonged to before the merger ("kon_tum" for the
    # communes of the former Kon Tum in the Quảng Ngãi of 1 Jul 2025), as the unit file says it:
    # "quang_ngai" for the communes of the former Quảng Ngãi too. Empty on the maps before the
    # merger, whose files have no such column, and on maps derived from the lineage.
    former_province = models.CharField(_("former province"), max_length=32, blank=True)
    # A map no unit file gives (the one of 1 Jan 2025) is derived from the lineage and the map
    # before it (areas/lineage.py); a lineage load recomputes such units, never those of a file.
    derived = models.BooleanField(
        _("derived from the lineage"),
        default=False,
        help_text=_("Not loaded from a unit file: built from the lineage and the map before it."),
    )
    # "/51/522/21010/": the codes from the top of the scheme down, so that "is under" is one
    # indexed prefix test on both databases.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    objects = AdminUnitQuerySet.as_manager()

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["scheme", "path"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            models.UniqueConstraint(fields=["scheme", "code"], name="unit_code_unique_in_scheme"),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE, parent__isnull=True) | Q(parent__isnull=False),
                name="unit_only_province_without_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def district(self) -> "AdminUnit | None":
        """The unit's district (district_path): itself or one of its parents. No query when the
        parents up to the district are loaded (select_related("parent") for a commune)."""
        path = district_path(self.path)
        ancestor: AdminUnit | None = self
        while ancestor is not None and ancestor.path != path:
            ancestor = ancestor.parent
        return ancestor

    @property
    def district_name(self) -> str:
        """What a District column shows: the district-level unit the unit is in or is (Lý Sơn for
        Lý Sơn); "" on a map without districts (communes right under the province, from 1 Jul 2025)."""
        district = self.district
        return district.name if district is not None and district.level == Level.DISTRICT else ""

    @property
    def district_name_beside(self) -> str:
        """The district named beside a unit so that communes of the same name are told apart: ""
        when the unit is its own district (Lý Sơn, a commune right under the province)."""
        district = self.district
        return "" if district is None or district.pk == self.pk else district.name

    def is_in_force(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on < self.valid_until
        )

    def classification_on(self, on: datetime.date) -> tuple[str, bool]:
        """(area type, border commune) in force on `on`, for this one unit (one query): the rule of
        AdminUnitQuerySet.with_classification_on, which tests/areas/test_classification.py holds it to."""
        entry = self.classifications.filter(valid_from__lte=on).order_by("-valid_from").first()
        return (entry.area_type, entry.is_border) if entry is not None else (self.area_type, False)

    @property
    def is_club_host(self) -> bool:
        return self.level == Level.COMMUNE or (self.level == Level.DISTRICT and not self.children.exists())


class Change(models.TextChoices):
    """How a unit became its successor when the map changed (the lineage file's `change`)."""

    KEPT = "kept", _("kept")
    RENAMED = "renamed", _("renamed")
    MERGED = "merged", _("merged")
    SPLIT = "split", _("split")


class UnitLink(models.Model):
    """One line of the lineage: all or part of `predecessor` became (part of) `successor` when the
    map changed. A unit with one successor is followed without question (kept, renamed, merged
    into it); a unit with several (split) needs a person to say where each club went."""

    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="successor_links", verbose_name=_("former unit")
    )
    successor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("new unit")
    )
    change = models.CharField(_("change"), max_length=16, choices=Change.choices)

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        ordering = ["predecessor__path", "successor__path"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_link_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="unit_link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_change_display()})"


class Classified(TypedDict):
    """What AdminUnitQuerySet.with_classification_on annotates on each unit."""

    area_type_on: str
    is_border_on: bool


if TYPE_CHECKING:
    # A unit read through AdminUnitQuerySet.with_classification_on.
    ClassifiedUnit: TypeAlias = WithAnnotations[AdminUnit, Classified]


class UnitClassification(models.Model):
    """An official classification of a unit from a date: its area type (plain, mountain, island)
    and whether it is a border commune (the communes Decision 1648/QĐ-TTg groups with the
    mountainous and island ones). The unit file gives the area type a unit starts with
    (`AdminUnit.area_type`); when a decision changes it, province staff record it here with the
    reason, and the reports count the unit by what was in force on their date."""

    unit = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="classifications", verbose_name=_("unit")
    )
    area_type = models.CharField(_("area type"), max_length=16, choices=AreaType.choices)
    is_border = models.BooleanField(_("border commune"), default=False)
    valid_from = models.DateField(_("from"))
    reason = models.TextField(
        _("reason"), help_text=_("The decision that classifies the unit, with its number and date.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit classification")
        verbose_name_plural = _("unit classifications")
        ordering = ["unit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_classification_one_per_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="unit_classification_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_area_type_display()}"
