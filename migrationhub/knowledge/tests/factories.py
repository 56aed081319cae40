import itertools

from migrationhub.accounts.tests.factories import make_admin, make_reviewer, make_user
from migrationhub.knowledge import services
from migrationhub.knowledge.models import Practice
from migrationhub.organisations.tests.factories import make_organisation

_seq = itertools.count(1)


def practice_data(**overrides) -> dict:
    n = next(_seq)
    return {
        "title": f"Practice {n} on ethical recruitment",
        "summary": "A partnership between employers and trade unions on fair recruitment.",
        "body": "Employers, recruiters and unions agreed a code of conduct and a complaints line.",
        "objectives": [6],
        "levels": ["national"],
        "countries": ["PHL"],
        **overrides,
    }


def practice_fields(**overrides) -> services.PracticeFields:
    return services.PracticeFields(**practice_data(**overrides))


def make_practice(*, member=None, organisation=None, submit=False, **data) -> Practice:
    member = member or make_user()
    organisation = organisation or make_organisation(admin=member)
    return services.practice_create(
        actor=member, organisation=organisation, fields=practice_fields(**data), submit=submit
    )


def make_panel(practice: Practice, coordinator=None, *, declare=True):
    """An internal and two external reviewers assigned to `practice`, no conflict declared."""
    coordinator = coordinator or make_admin()
    reviewers = [
        make_reviewer("internal"),
        make_reviewer("external"),
        make_reviewer("external"),
    ]
    assignments = [
        services.review_assign(actor=coordinator, practice=practice, reviewer=r) for r in reviewers
    ]
    if declare:
        assignments = [
            services.review_declare_interest(actor=a.reviewer, assignment=a, conflict=False)
            for a in assignments
        ]
    return assignments


def make_published(**kwargs) -> Practice:
    practice = make_practice(submit=True, **kwargs)
    for assignment in make_panel(practice)[:2]:
        practice = services.review_decide(
            actor=assignment.reviewer, assignment=assignment, decision="approve"
        )
    return practice
