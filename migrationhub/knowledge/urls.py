from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.practice_list, name="list"),
    path("new/", views.practice_create, name="create"),
    path("mine/", views.my_practices, name="mine"),
    path("review/", views.review_queue, name="review_queue"),
    path("evidence/<slug:slug>/", views.evidence_detail, name="evidence"),
    path(
        "evidence/<slug:slug>/objectives/",
        views.evidence_objectives,
        name="evidence_objectives",
    ),
    path("<slug:slug>/", views.practice_detail, name="detail"),
    path("<slug:slug>/edit/", views.practice_edit, name="edit"),
    path("<slug:slug>/submit/", views.practice_submit, name="submit"),
    path("<slug:slug>/verify/", views.practice_verify, name="verify"),
    path("<slug:slug>/translate/", views.practice_translate, name="translate"),
    path(
        "<slug:slug>/translations/<str:language>/review/",
        views.translation_review,
        name="translation_review",
    ),
    path("<slug:slug>/review/assign/", views.review_assign, name="review_assign"),
    path("<slug:slug>/review/declare/", views.review_declare, name="review_declare"),
    path("<slug:slug>/review/decide/", views.review_decide, name="review_decide"),
]
