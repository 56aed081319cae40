from django.urls import path, re_path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("gaps/", views.gap_finder, name="gaps"),
    path("network/", views.network_page, name="network"),
    path("trends/", views.trends_page, name="trends"),
    re_path(
        r"^countries/(?P<code>[A-Za-z]{3})/$",
        views.report_page,
        {"kind": "country"},
        name="country",
    ),
    re_path(
        r"^countries/(?P<code>[A-Za-z]{3})/report\.pdf$",
        views.report_pdf,
        {"kind": "country"},
        name="country_pdf",
    ),
    re_path(r"^regions/(?P<code>[0-9]{3})/$", views.report_page, {"kind": "region"}, name="region"),
    re_path(
        r"^regions/(?P<code>[0-9]{3})/report\.pdf$",
        views.report_pdf,
        {"kind": "region"},
        name="region_pdf",
    ),
    re_path(
        r"^objectives/(?P<code>[0-9]{1,2})/$",
        views.report_page,
        {"kind": "objective"},
        name="objective",
    ),
    re_path(
        r"^objectives/(?P<code>[0-9]{1,2})/report\.pdf$",
        views.report_pdf,
        {"kind": "objective"},
        name="objective_pdf",
    ),
]
