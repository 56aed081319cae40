from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "migrationhub.core"
    label = "core"
