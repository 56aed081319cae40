from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "migrationhub.fund"
    verbose_name = "Start-up fund"
