from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "migrationhub.accounts"
    label = "accounts"
