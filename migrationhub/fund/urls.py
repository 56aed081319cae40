from django.urls import path

from . import views

app_name = "fund"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("contributions/", views.contribution_list, name="contributions"),
    path("contributions/new/", views.contribution_new, name="contribution_new"),
    path(
        "contributions/<int:pk>/deposit/", views.contribution_deposit, name="contribution_deposit"
    ),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/<slug:slug>/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/check/", views.proposal_check, name="proposal_check"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/allocate/", views.allocation_new, name="allocation_new"),
    path("allocations/<int:pk>/disburse/", views.disbursement_new, name="disbursement_new"),
    path("allocations/<int:pk>/expenditure/", views.expenditure_new, name="expenditure_new"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/<int:pk>/reverse/", views.movement_reverse, name="movement_reverse"),
    path("portfolio/", views.portfolio, name="portfolio"),
]
