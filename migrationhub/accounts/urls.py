from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/<int:user_id>/withdraw/", views.reviewer_withdraw, name="reviewer_withdraw"),
]
