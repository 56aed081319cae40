from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/members/", views.organisation_member_add, name="member_add"),
    path("<slug:slug>/verify/", views.organisation_verify, name="verify"),
    path("<slug:slug>/unverify/", views.organisation_unverify, name="unverify"),
    path("<slug:slug>/join/", views.join_request_create, name="join"),
    path("<slug:slug>/requests/<int:pk>/", views.join_request_decide, name="join_decide"),
    path("<slug:slug>/invitations/", views.invitation_create, name="invite"),
]
