from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "migrationhub.hub"
    verbose_name = "Connection hub"
