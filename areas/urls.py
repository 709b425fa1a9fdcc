from django.urls import path

from areas import views

app_name = "areas"

urlpatterns = [
    path("", views.unit_tree, name="unit-tree"),
]
