from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin

from .models import Corridor, Provider, QuoteImport


@admin.register(QuoteImport)
class QuoteImportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "quotes", "file_name", "actor")
    list_filter = ("source",)
    list_select_related = ("actor",)


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ("name", "type", "rpw_firm_type")
    list_filter = ("type",)
    search_fields = ("name",)


@admin.register(Corridor)
class CorridorAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "wb_region")
    list_filter = ("wb_region",)
    list_select_related = ("sending", "receiving")
    search_fields = ("sending__iso3", "receiving__iso3")
