"""The tree obeys ARCHITECTURE.md, and the checker (`tests/architecture.py`) fails on each violation.

The checker is proven on a small synthetic package: a clean tree that uses everything the rules
allow gives no violation, and each planted violation gives exactly its rule's message.
"""

from pathlib import Path

import pytest

from tests.architecture import (
    ALLOWED_DOMAIN_DEPENDENCIES,
    DOMAIN_LAYER,
    DOMAIN_SHAPE,
    KERNEL_SHAPE,
    LAYERS,
    violations,
)

REAL_ROOT = Path(__file__).resolve().parents[1] / "migrationhub"


def test_the_tree_obeys_the_architecture():
    found = violations(REAL_ROOT)
    assert found == [], "\n".join(["", *found])


def test_domain_dependencies_are_declared_between_domain_apps_without_cycles():
    # given
    graph = ALLOWED_DOMAIN_DEPENDENCIES
    # then: only domain apps, and every path ends (a depth-first walk meets no app twice)
    for app, below in graph.items():
        assert {app, *below} <= {a for a, layer in LAYERS.items() if layer == DOMAIN_LAYER}

    def walk(app: str, path: tuple[str, ...]) -> None:
        assert app not in path, " -> ".join((*path, app))
        for other in graph.get(app, set()):
            walk(other, (*path, app))

    for app in graph:
        walk(app, ())


# --- the checker, on a synthetic tree

DOMAIN_APP = {
    "services.py": (
        "from migrationhub.organisations import permissions\n"
        "from ..organisations.selectors import organisation_get\n"
        "from .errors import Code\n"
        "from .models import Practice\n"
        "\n"
        "\n"
        "def practice_publish(*, actor, practice):\n"
        "    from migrationhub.search.services import document_upsert\n"
        "\n"
        "    raise ApplicationError('no', code=Code.STALE)\n"
    ),
    "errors.py": (
        "from enum import StrEnum\n"
        "\n"
        "\n"
        "class Code(StrEnum):\n"
        '    STALE = "stale"\n'
        "\n"
        "\n"
        'DEFAULT = dict(code="stale")\n'
    ),
    "api.py": (
        "from migrationhub.accounts.auth import TokenAuth\n"
        "from migrationhub.search.faceted import Facet\n"
        "from . import selectors, services\n"
    ),
    "views.py": (
        "from django.shortcuts import render\n"
        "from migrationhub.core.pagination import paginate\n"
        "from . import selectors\n"
    ),
}
CLEAN = {
    "__init__.py": "",
    "urls.py": (
        "from migrationhub.api.router import api\n"
        "from migrationhub.knowledge import views\n"
        "from migrationhub.web import views\n"
    ),
    "cli.py": "import os\n",
    "wsgi.py": "from django.core.wsgi import get_wsgi_application\n",
    **{f"core/{name}": "" for name in ("__init__.py", *KERNEL_SHAPE["core"])},
    **{f"settings/{name}": "" for name in ("__init__.py", *KERNEL_SHAPE["settings"])},
    "settings/base.py": "import os\n\nimport dj_database_url\n",
    "taxonomy/__init__.py": "",
    "taxonomy/selectors.py": "from .models import Objective\n",
    "taxonomy/views.py": "from migrationhub.core.errors import ApplicationError\n",
    "taxonomy/templates/taxonomy/objective_list.html": (
        '{% extends "base.html" %}{% load i18n %}\n{% include "core/_field.html" %}\n'
    ),
    "accounts/__init__.py": "",
    "accounts/auth.py": "from migrationhub.taxonomy.selectors import language_list\n",
    "search/__init__.py": "",
    "search/faceted.py": "from . import query\n",
    "search/query.py": "import re\nfrom dataclasses import dataclass\n\nfrom . import bitmaps\n",
    "search/bitmaps.py": "from __future__ import annotations\n",
    "search/templates/search/_facets.html": "<ul></ul>\n",
    "organisations/__init__.py": "",
    "organisations/selectors.py": "from migrationhub.taxonomy import selectors as taxonomy\n",
    "organisations/services.py": "from migrationhub.accounts.selectors import user_get\n",
    "organisations/permissions.py": "",
    **{f"knowledge/{e}": "" for e in DOMAIN_SHAPE if not e.endswith("/")},
    **{f"knowledge/{name}": text for name, text in DOMAIN_APP.items()},
    "knowledge/freshness.py": (
        "from __future__ import annotations\n"
        "\n"
        "import datetime\n"
        "\n"
        "from migrationhub.knowledge.review_rules import Rule\n"
        "\n"
        "from . import review_rules\n"
    ),
    "knowledge/review_rules.py": "import dataclasses\n",
    "knowledge/templates/knowledge/practice_list.html": (
        '{% extends "base.html" %}{% load i18n %}\n'
        '{% include "search/_facets.html" with facets=result.facets %}\n'
        '{% include "core/_pagination.html" %}\n'
        "{% include section.template %}\n"
        "{% include 'knowledge/_card.html' %}\n"
        '{% include "allauth/layouts/base.html" %}\n'
    ),
    # tests and migrations build objects any way they need
    "knowledge/tests/test_pages.py": (
        "from migrationhub.web import views\n\nCODE = dict(code='x')\n"
    ),
    "knowledge/migrations/0001_initial.py": "from django.db import migrations, transaction\n",
    **{f"remittances/{e}": "" for e in DOMAIN_SHAPE if not e.endswith("/")},
    **{f"remittances/{name}": text for name, text in DOMAIN_APP.items()},
    "remittances/costs.py": "from decimal import Decimal\n",
    "remittances/comparison.py": "from . import costs\nfrom .costs import smart_average\n",
    "remittances/templates/remittances/compare.html": '{% extends "base.html" %}\n',
    "api/__init__.py": "",
    "api/router.py": (
        "from ninja import NinjaAPI\n"
        "from migrationhub.knowledge.api import router as knowledge_router\n"
        "from migrationhub.remittances.api import router as remittances_router\n"
        "from . import errors\n"
    ),
    "api/errors.py": "from migrationhub.core.errors import ApplicationError\n",
    "web/__init__.py": "",
    "web/views.py": (
        "from migrationhub.knowledge.selectors import practice_list\n"
        "from migrationhub.remittances import selectors\n"
        "from migrationhub.taxonomy.selectors import objective_list\n"
    ),
    "web/templates/base.html": "<html></html>\n",
    "web/templates/web/home.html": (
        '{% extends "base.html" %}\n{% include "knowledge/_practice_card.html" %}\n'
    ),
}


def _tree(tmp_path: Path, plant: dict[str, str | None] | None = None) -> Path:
    """The clean synthetic package, with `plant` written over it (None deletes a path)."""
    root = tmp_path / "migrationhub"
    for name, text in [*CLEAN.items(), *(plant or {}).items()]:
        path = root / name
        if text is None and path.is_dir():
            path.rmdir()
        elif text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


def test_a_clean_tree_has_no_violation(tmp_path):
    # given a tree that uses everything the rules allow
    root = _tree(tmp_path)
    # when / then
    assert violations(root) == []


PLANTS = [
    # R1 direction
    pytest.param(
        "taxonomy/views.py",
        "from migrationhub.knowledge.selectors import practice_list\n",
        "[R1 direction] migrationhub/taxonomy/views.py:1: taxonomy (layer 1) depends upward on "
        "knowledge (layer 4): imports migrationhub.knowledge.selectors",
        id="R1-a-vocabulary-view-reads-a-domain-app",
    ),
    pytest.param(
        "organisations/services.py",
        "import migrationhub.knowledge.selectors\n",
        "[R1 direction] migrationhub/organisations/services.py:1: organisations (layer 3) depends "
        "upward on knowledge (layer 4): imports migrationhub.knowledge.selectors",
        id="R1-organisations-reads-a-domain-app",
    ),
    pytest.param(
        "remittances/selectors.py",
        "def corridor_list():\n    from migrationhub.knowledge.selectors import practice_list\n",
        "[R1 direction] migrationhub/remittances/selectors.py:2: remittances depends sideways on "
        "knowledge (both domain apps, layer 4) without an ALLOWED_DOMAIN_DEPENDENCIES entry: "
        "imports migrationhub.knowledge.selectors",
        id="R1-sideways-between-domain-apps-inside-a-function",
    ),
    pytest.param(
        "knowledge/api.py",
        "import migrationhub.api.router\n",
        "[R1 direction] migrationhub/knowledge/api.py:1: knowledge (layer 4) depends upward on "
        "api (layer 9): imports migrationhub.api.router",
        id="R1-a-cycle-into-the-api-assembly",
    ),
    pytest.param(
        "search/services.py",
        "from ..organisations import selectors\n",
        "[R1 direction] migrationhub/search/services.py:1: search (layer 2) depends upward on "
        "organisations (layer 3): imports migrationhub.organisations.selectors",
        id="R1-relative-upward-import",
    ),
    pytest.param(
        "knowledge/views.py",
        "from migrationhub import urls\n",
        "[R1 direction] migrationhub/knowledge/views.py:1: knowledge imports the root module "
        "migrationhub.urls; nothing imports the assembly",
        id="R1-a-root-module",
    ),
    # R2 public surface
    pytest.param(
        "knowledge/services.py",
        "from ..organisations.models import Organisation\n",
        "[R2 public surface] migrationhub/knowledge/services.py:1: knowledge imports "
        "organisations' models directly (migrationhub.organisations.models); another app is "
        "reached through errors, permissions, selectors, services only",
        id="R2-relative-cross-app-model-import",
    ),
    pytest.param(
        "knowledge/selectors.py",
        "def practice_list():\n    from migrationhub.organisations import models\n",
        "[R2 public surface] migrationhub/knowledge/selectors.py:2: knowledge imports "
        "organisations' models directly (migrationhub.organisations.models); another app is "
        "reached through errors, permissions, selectors, services only",
        id="R2-a-models-submodule-imported-by-name",
    ),
    pytest.param(
        "web/views.py",
        "from migrationhub.knowledge.forms import PracticeForm\n",
        "[R2 public surface] migrationhub/web/views.py:1: web imports knowledge's forms directly "
        "(migrationhub.knowledge.forms); another app is reached through errors, permissions, "
        "selectors, services only",
        id="R2-another-apps-forms",
    ),
    pytest.param(
        "knowledge/api.py",
        "from migrationhub.search.models import Document\n",
        "[R2 public surface] migrationhub/knowledge/api.py:1: knowledge imports search's models "
        "directly (migrationhub.search.models); another app is reached through errors, faceted, "
        "permissions, selectors, services only",
        id="R2-a-lower-apps-models",
    ),
    # R3 pure modules
    pytest.param(
        "knowledge/freshness.py",
        "from django.conf import settings\n",
        "[R3 pure] migrationhub/knowledge/freshness.py:1: the pure module imports "
        "django.conf.settings; pure modules import only the standard library and other pure "
        "modules",
        id="R3-django",
    ),
    pytest.param(
        "remittances/costs.py",
        "from decimal import Decimal\n\nimport pandas as pd\n",
        "[R3 pure] migrationhub/remittances/costs.py:3: the pure module imports pandas; pure "
        "modules import only the standard library and other pure modules",
        id="R3-a-third-party-library",
    ),
    pytest.param(
        "search/query.py",
        "from .models import Document\n",
        "[R3 pure] migrationhub/search/query.py:1: the pure module imports "
        "migrationhub.search.models; pure modules import only the standard library and other "
        "pure modules",
        id="R3-a-module-that-is-not-pure",
    ),
    # R4 templates
    pytest.param(
        "taxonomy/templates/taxonomy/x.html",
        '{% load i18n %}\n{% include "knowledge/_card.html" %}\n',
        '[R4 templates] migrationhub/taxonomy/templates/taxonomy/x.html:2: {% include "knowledge/'
        '_card.html" %}: taxonomy (layer 1) depends upward on knowledge (layer 4)',
        id="R4-include-upward",
    ),
    pytest.param(
        "remittances/templates/remittances/compare.html",
        "{% extends 'knowledge/practice_list.html' %}\n",
        "[R4 templates] migrationhub/remittances/templates/remittances/compare.html:1: "
        '{% extends "knowledge/practice_list.html" %}: remittances depends sideways on knowledge '
        "(both domain apps, layer 4) without an ALLOWED_DOMAIN_DEPENDENCIES entry",
        id="R4-extends-sideways",
    ),
    # R5 thin faces
    pytest.param(
        "knowledge/views.py",
        "from .models import Practice\n\n\ndef practice_list(request):\n"
        "    return Practice.objects.filter(published=True)\n",
        "[R5 thin faces] migrationhub/knowledge/views.py:5: views.py uses .objects; reads go "
        "through selectors, writes through services",
        id="R5-orm-in-a-view",
    ),
    pytest.param(
        "remittances/api.py",
        "from django.db import transaction\n",
        "[R5 thin faces] migrationhub/remittances/api.py:1: api.py imports django.db.transaction; "
        "writes and their transactions belong in services",
        id="R5-transaction-in-a-router",
    ),
    # R6 error codes
    pytest.param(
        "knowledge/services.py",
        'def practice_submit(*, actor, practice):\n    raise ApplicationError("no", code="x")\n',
        '[R6 error codes] migrationhub/knowledge/services.py:2: code="x" is a literal; declare '
        "it once in the app's errors.py Code enumeration",
        id="R6-a-literal-code",
    ),
    # R7 no signals
    pytest.param(
        "knowledge/apps.py",
        "from django.dispatch import receiver\n",
        "[R7 no signals] migrationhub/knowledge/apps.py:1: imports django.dispatch.receiver; "
        "domain side effects are explicit calls in services, never signal receivers",
        id="R7-receiver",
    ),
    pytest.param(
        "remittances/services.py",
        "from django.db.models.signals import post_save\n",
        "[R7 no signals] migrationhub/remittances/services.py:1: imports "
        "django.db.models.signals.post_save; domain side effects are explicit calls in services, "
        "never signal receivers",
        id="R7-model-signal",
    ),
    # LAYER
    pytest.param(
        "partnership/__init__.py",
        "",
        "[LAYER] migrationhub/partnership/: the app partnership has no layer in LAYERS",
        id="LAYER-an-app-without-a-layer",
    ),
    pytest.param(
        "utils.py",
        "",
        "[LAYER] migrationhub/utils.py: a module outside every app; put it in the app it serves "
        "(or in core under a real name)",
        id="LAYER-a-module-outside-every-app",
    ),
    # SHAPE
    pytest.param(
        "knowledge/errors.py",
        None,
        "[SHAPE] migrationhub/knowledge/: the domain app has no errors.py",
        id="SHAPE-a-domain-app-without-errors",
    ),
    pytest.param(
        "remittances/templates/remittances/compare.html",
        None,
        "[SHAPE] migrationhub/remittances/: the domain app has no templates/remittances/",
        id="SHAPE-a-domain-app-without-templates",
    ),
    pytest.param(
        "core/audit.py",
        None,
        "[SHAPE] migrationhub/core/: the kernel has no audit.py",
        id="SHAPE-the-kernel-without-audit",
    ),
]


@pytest.mark.parametrize(("path", "text", "expected"), PLANTS)
def test_each_planted_violation_is_reported(tmp_path, path, text, expected):
    # given the clean tree with one violation planted
    plant = {path: text}
    if path == "remittances/templates/remittances/compare.html" and text is None:
        plant["remittances/templates/remittances/"] = None  # the folder, once empty
    root = _tree(tmp_path, plant)
    # when
    found = violations(root)
    # then
    assert found == [expected]
