from django.urls import path

from . import views

app_name = "remittances"
urlpatterns = [
    path("", views.compare, name="compare"),
    path("monitor/", views.monitor, name="monitor"),
    path("corridors/", views.corridor_list, name="corridors"),
    path("corridors/<str:code>/", views.corridor_detail, name="corridor"),
]
