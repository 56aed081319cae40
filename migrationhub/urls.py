"""URL map: pages under a language prefix (none for English), API and assets outside it."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from migrationhub.api.router import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    # Inside the language prefix, so that switching from /fr/… resolves the page in French
    # before translating its address into the chosen language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("migrationhub.accounts.urls")),
    path("practices/", include("migrationhub.knowledge.urls")),
    path("organisations/", include("migrationhub.organisations.urls")),
    path("invitations/", include("migrationhub.organisations.invitation_urls")),
    path("objectives/", include("migrationhub.taxonomy.urls")),
    path("remittances/", include("migrationhub.remittances.urls")),
    path("partnerships/", include("migrationhub.partnerships.urls")),
    path("hub/", include("migrationhub.hub.urls")),
    path("fund/", include("migrationhub.fund.urls")),
    path("review/", include("migrationhub.review.urls")),
    path("", include("migrationhub.web.urls")),
    prefix_default_language=False,
)
handler400 = "migrationhub.web.views.bad_request"
handler403 = "migrationhub.web.views.permission_denied"
handler404 = "migrationhub.web.views.not_found"
handler500 = "migrationhub.web.views.server_error"
handler429 = "migrationhub.web.views.rate_limited"  # allauth answers its rate limits with it
