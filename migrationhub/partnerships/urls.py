from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("new/", views.partnership_create, name="create"),
    path("scorecard/", views.scorecard_about, name="scorecard"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/members/<int:pk>/", views.member_answer, name="member_answer"),
    path("invitations/pledges/<int:pk>/", views.pledger_answer, name="pledger_answer"),
    path("pledges/", views.pledge_list, name="pledges"),
    path("pledges/new/", views.pledge_create, name="pledge_create"),
    path("pledges/<slug:slug>/", views.pledge_detail, name="pledge_detail"),
    path("pledges/<slug:slug>/edit/", views.pledge_edit, name="pledge_edit"),
    path("pledges/<slug:slug>/status/", views.pledge_status, name="pledge_status"),
    path("pledges/<slug:slug>/invite/", views.pledge_invite, name="pledge_invite"),
    path("pledges/<slug:slug>/report/", views.pledge_report, name="pledge_report"),
    path("<slug:slug>/", views.partnership_detail, name="detail"),
    path("<slug:slug>/edit/", views.partnership_edit, name="edit"),
    path("<slug:slug>/history/", views.partnership_history, name="history"),
    path("<slug:slug>/translate/", views.partnership_translate, name="translate"),
    path("<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path("<slug:slug>/members/<int:pk>/roles/", views.member_roles, name="member_roles"),
    path("<slug:slug>/members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("<slug:slug>/goals/new/", views.goal_add, name="goal_add"),
    path("<slug:slug>/goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<slug:slug>/goals/<int:pk>/remove/", views.goal_remove, name="goal_remove"),
    path("<slug:slug>/goals/<int:pk>/report/", views.progress_report, name="report"),
    path("<slug:slug>/commitments/new/", views.commitment_add, name="commitment_add"),
    path(
        "<slug:slug>/commitments/<int:pk>/remove/",
        views.commitment_remove,
        name="commitment_remove",
    ),
    path("<slug:slug>/outputs/add/", views.output_add, name="output_add"),
    path("<slug:slug>/outputs/<int:pk>/remove/", views.output_remove, name="output_remove"),
]
