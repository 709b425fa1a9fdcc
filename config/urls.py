from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Intergenerational Self-Help Clubs — administration")
admin.site.site_title = _("Self-Help Clubs admin")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("areas/", include("areas.urls")),
    path("clubs/", include("clubs.urls")),
    path("members/", include("members.urls")),
    path("funds/", include("funds.urls")),
    path("loans/", include("loans.urls")),
    path("activities/", include("activities.urls")),
    path("spreadsheets/", include("spreadsheets.urls")),
    path("reports/", include("reports.urls")),
    path("targets/", include("targets.urls")),
    path("admin/", admin.site.urls),
]
