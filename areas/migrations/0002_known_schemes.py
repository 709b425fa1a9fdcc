"""The versions of Vietnam's administrative map that the product knows (docs/domain.md §6).

vn-2020: from 1 Feb 2020 (Resolution 867/NQ-UBTVQH14: Lý Sơn's communes dissolved, Đức Phổ a
town) to the commune mergers of 1 Jan 2025 (Resolution 1279/NQ-UBTVQH15).
vn-2025-01: those mergers, until districts were abolished on 1 Jul 2025 (Resolution 202/2025/QH15
and 1677/NQ-UBTVQH15).
vn-2025-07: the two-tier structure in force since.
"""

import datetime

from django.db import migrations

SCHEMES = [
    (
        "vn-2020",
        "Bản đồ hành chính 2020 (01/02/2020 – 31/12/2024)",
        datetime.date(2020, 2, 1),
        datetime.date(2024, 12, 31),
    ),
    (
        "vn-2025-01",
        "Bản đồ hành chính 2025 (01/01/2025 – 30/06/2025)",
        datetime.date(2025, 1, 1),
        datetime.date(2025, 6, 30),
    ),
    ("vn-2025-07", "Chính quyền hai cấp (từ 01/07/2025)", datetime.date(2025, 7, 1), None),
]


def add_schemes(apps, schema_editor):
    AdminScheme = apps.get_model("areas", "AdminScheme")
    for code, name, valid_from, valid_to in SCHEMES:
        AdminScheme.objects.update_or_create(
            code=code, defaults={"name": name, "valid_from": valid_from, "valid_to": valid_to}
        )


def remove_schemes(apps, schema_editor):
    AdminScheme = apps.get_model("areas", "AdminScheme")
    AdminScheme.objects.filter(code__in=[code for code, *_ in SCHEMES], units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]

    operations = [migrations.RunPython(add_schemes, remove_schemes)]
