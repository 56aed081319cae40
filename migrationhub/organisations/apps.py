from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "migrationhub.organisations"
    label = "organisations"
