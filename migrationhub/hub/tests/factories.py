"""Requests, offers and curators built through the services, as people would build them: a
verified local authority with its own admin asks; a hub curator screens and proposes."""

import datetime as dt
import itertools

from migrationhub.accounts.services import hub_curator_grant
from migrationhub.accounts.tests.factories import make_admin, make_user
from migrationhub.hub import services
from migrationhub.hub.models import SupportRequest
from migrationhub.partnerships.tests.factories import make_org
from migrationhub.taxonomy.selectors import principle_list

_seq = itertools.count(1)


def make_curator(**fields):
    return hub_curator_grant(actor=make_admin(), user=make_user(**fields))


def make_authority(**data):
    defaults = {
        "stakeholder_type": "local-authority",
        "level": "local",
        "home_country": "SEN",
        "languages": ["fr"],
    }
    return make_org(**{**defaults, **data})


def request_fields(**overrides) -> services.RequestFields:
    n = next(_seq)
    data = {
        "title": f"Labour migration data for the city {n}",
        "need": "The city needs a labour market information system to match migrant workers "
        "with decent jobs and to reduce irregular recruitment.",
        "country": "SEN",
        "objectives": [6, 18],
        "outcomes": ["A labour market information system in use", "Recruiters trained"],
        "levels": ["local"],
        "start_date": dt.date(2027, 1, 1),
        "end_date": dt.date(2028, 12, 31),
        "support_kinds": ["technical", "training"],
        "languages": ["fr"],
        **overrides,
    }
    return services.RequestFields(**data)


def make_request(requester=None, **fields) -> SupportRequest:
    requester = requester or make_authority()
    request = services.request_submit(
        actor=requester.test_admin, requester=requester, fields=request_fields(**fields)
    )
    request.test_admin = requester.test_admin
    return request


def all_principles(met=True):
    return [services.PrincipleCheck(principle=p.code, met=met, note="") for p in principle_list()]


def screened(request, curator=None):
    curator = curator or make_curator()
    done = services.request_screen(
        actor=curator, request=request, complete=True, principles=all_principles()
    )
    done.test_admin = getattr(request, "test_admin", None)
    return done


def offer_fields(**overrides) -> services.OfferFields:
    data = {
        "title": f"Labour market information systems expertise {next(_seq)}",
        "description": "Two experts help cities build labour market information systems.",
        "ends_on": dt.date.today() + dt.timedelta(days=90),
        "kinds": ["technical"],
        "objectives": [6],
        "regions": ["002"],
        "languages": ["fr", "en"],
        "capacity": "Two experts for six months",
    }
    data.update(overrides)
    return services.OfferFields(**data)
