"""A small registry built through the services, where the right coverage, gap, broker and
isolate are known: West Africa (Senegal, Ghana) has partnerships, East Africa has none."""

from dataclasses import dataclass
from typing import Any

from migrationhub.knowledge.tests.factories import make_published
from migrationhub.partnerships.tests.factories import join, make_org, make_partnership
from migrationhub.review import selectors


@dataclass
class Registry:
    government: Any
    ngo: Any
    broker: Any
    union: Any
    lonely: Any
    senegal: Any
    ghana: Any
    practice: Any


def make_registry() -> Registry:
    government = make_org(
        name="Ministry of Senegalese Abroad",
        stakeholder_type="national-government",
        level="national",
        home_country="SEN",
    )
    ngo = make_org(
        name="Dakar Migrants Network",
        stakeholder_type="civil-society",
        level="local",
        home_country="SEN",
    )
    broker = make_org(
        name="Regional Mobility Agency",
        stakeholder_type="international-organisation",
        level="regional",
    )
    union = make_org(
        name="Accra Workers Union",
        stakeholder_type="trade-union",
        level="national",
        home_country="GHA",
    )
    lonely = make_org(
        name="Lonely Research Institute", stakeholder_type="academia", level="national"
    )
    # Senegal (Western Africa, 011): objective 5 (regular pathways), national; the broker links it to Ghana
    senegal = make_partnership(
        lead=government, objectives=[5], levels=["national"], countries=["SEN"], sdg_targets=[]
    )
    join(senegal, ngo)
    join(senegal, broker)
    # Ghana: objective 6 (fair recruitment), national
    ghana = make_partnership(
        lead=union, objectives=[6], levels=["national"], countries=["GHA"], sdg_targets=[]
    )
    join(ghana, broker)
    practice = make_published(objectives=[7], levels=["local"], countries=["GHA"])
    selectors.forget()
    return Registry(government, ngo, broker, union, lonely, senegal, ghana, practice)
