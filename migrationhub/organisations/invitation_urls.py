"""Invitations as the invited person sees them (/invitations/…), outside the organisation's
addresses: the link in the e-mail, and the list of one's invitations."""

from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("<int:pk>/answer/", views.invitation_answer, name="answer"),
    path("<str:token>/", views.invitation_open, name="open"),
]
