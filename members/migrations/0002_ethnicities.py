"""The ethnic groups offered first in forms: those of Quảng Ngãi (Kinh, Hrê, Cor, Ca Dong — a
local group of the Xơ Đăng) and the largest others. Admins add any other group in Django admin."""

from django.db import migrations

ETHNICITIES = [
    "Kinh",
    "Hrê",
    "Cor",
    "Ca Dong",
    "Xơ Đăng",
    "Ba Na",
    "Hoa",
    "Mường",
    "Tày",
    "Thái",
    "Nùng",
    "Gia Rai",
    "Ê Đê",
    "Khmer",
    "Chăm",
]


def add(apps, schema_editor):
    Ethnicity = apps.get_model("members", "Ethnicity")
    for order, name in enumerate(ETHNICITIES, start=1):
        Ethnicity.objects.get_or_create(name=name, defaults={"sort_order": order})


def remove(apps, schema_editor):
    apps.get_model("members", "Ethnicity").objects.filter(name__in=ETHNICITIES).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
