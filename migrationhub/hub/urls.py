from django.urls import path

from . import views

app_name = "hub"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("curation/", views.curation, name="curation"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<slug:slug>/", views.request_detail, name="request_detail"),
    path("requests/<slug:slug>/edit/", views.request_edit, name="request_edit"),
    path("requests/<slug:slug>/screen/", views.request_screen, name="request_screen"),
    path("requests/<slug:slug>/move/", views.request_move, name="request_move"),
    path("requests/<slug:slug>/matches/", views.request_matches, name="request_matches"),
    path("requests/<slug:slug>/translate/", views.request_translate, name="request_translate"),
    path(
        "requests/<slug:slug>/proposals/<int:pk>/accept/",
        views.proposal_accept,
        name="proposal_accept",
    ),
    path("offers/", views.offer_list, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<slug:slug>/", views.offer_detail, name="offer_detail"),
    path("offers/<slug:slug>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<slug:slug>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<slug:slug>/translate/", views.offer_translate, name="offer_translate"),
]
