from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin

from .models import (
    Corridor,
    CorridorStat,
    IndicatorValue,
    Provider,
    PublishedCorridorCost,
    Quote,
    QuoteImport,
    RemittanceFlow,
    Service,
)


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


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ("provider", "corridor", "product", "speed", "pickup_method")
    list_select_related = ("provider", "corridor__sending", "corridor__receiving")
    search_fields = ("provider__name", "product")


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ("period", "band_usd", "service", "total_cost_pct", "transparent", "source")
    list_filter = ("period", "band_usd", "source", "transparent")
    list_select_related = ("service__provider", "service__corridor__sending")


@admin.register(CorridorStat)
class CorridorStatAdmin(ReadOnlyAdmin):
    list_display = ("corridor", "period", "band_usd", "average_pct", "quotes")
    list_filter = ("period", "band_usd")
    list_select_related = ("corridor__sending", "corridor__receiving")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("period", "band_usd", "indicator", "group", "value", "count")
    list_filter = ("indicator", "period", "band_usd")


@admin.register(PublishedCorridorCost)
class PublishedCorridorCostAdmin(ReadOnlyAdmin):
    list_display = ("corridor", "quarter", "average_pct", "series")
    list_filter = ("quarter",)
    list_select_related = ("corridor__sending", "corridor__receiving")


@admin.register(RemittanceFlow)
class RemittanceFlowAdmin(ReadOnlyAdmin):
    list_display = ("__str__",)
