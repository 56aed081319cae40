from django.apps import AppConfig


class RemittancesConfig(AppConfig):
    name = "migrationhub.remittances"
    label = "remittances"
    verbose_name = "Remittances"
