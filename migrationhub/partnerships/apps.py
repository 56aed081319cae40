from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "migrationhub.partnerships"
    verbose_name = "Partnerships"
