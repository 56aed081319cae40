from django.urls import path

from . import views

app_name = "taxonomy"
urlpatterns = [
    path("", views.objective_list, name="objectives"),
    path("<int:number>/", views.objective_detail, name="objective"),
]
