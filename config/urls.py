from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Intergenerational Self-Help Clubs — administration")
admin.site.site_title = _("Self-Help Clubs admin")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("web.urls")),
    path("admin/", admin.site.urls),
]
