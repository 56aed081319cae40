"""The architecture of ARCHITECTURE.md and STYLE.md, as a checker that reads source, never Django.

`violations(package_root)` walks every module (outside `tests/` and `migrations/` folders) and every
template under `<app>/templates/` of the package at `package_root`, and returns one line per
violation, e.g. ``[R2 public surface] migrationhub/knowledge/services.py:3: knowledge imports
organisations' models directly (…)``. Everything it knows is in the constants below, so
`tests/test_architecture.py` can run it on the real tree and on small synthetic trees in which it
plants one violation at a time (proof that each rule fails when it should).

The rules:
- R1 direction: an app imports only itself, lower layers, and declared domain dependencies.
- R2 public surface: another app is reached through its public modules only.
- R3 pure modules: the algorithm modules import the standard library and each other, nothing else.
- R4 templates: `{% extends %}` / `{% include %}` of another app's templates obey R1.
- R5 thin faces: views and API routers contain no ORM access and open no transactions.
- R6 error codes: `code="literal"` appears only in `errors.py`.
- R7 no signals: side effects are explicit calls, never signal receivers.
- LAYER: every app folder has a layer, and every module lives in an app.
- SHAPE: every domain app (and the kernel) has the files a newcomer expects.
A module that cannot be parsed is reported too (SYNTAX), rather than silently skipped.

Imports are read from the syntax tree (relative ones resolved, those inside functions included);
imports made by name at run time (`importlib`, template names in variables) are not seen, by design:
they are the kernel's declared registries (open data, sections), not one app reaching into another.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

LAYERS: dict[str, int] = {
    # the kernel
    "core": 0,
    "settings": 0,
    # vocabularies
    "taxonomy": 1,
    # users, and the generic search engine (it knows no domain: apps push documents into it)
    "accounts": 2,
    "search": 2,
    # stakeholders, whom every domain app refers to
    "organisations": 3,
    # domain apps: one layer; they read each other only as ALLOWED_DOMAIN_DEPENDENCIES declares
    "knowledge": 4,
    "remittances": 4,
    "partnerships": 4,
    "hub": 4,
    "fund": 4,
    "review": 4,
    "recruitment": 4,
    "datasets": 4,
    "forecasts": 4,
    "voice": 4,
    # the assembly: the /api/v1 NinjaAPI and the site's layout and home page
    "api": 9,
    "web": 9,
}
"""Each app's layer, lowest first. Apps depend downward only (ARCHITECTURE.md, "Rules that keep it
simple"), so that any app can be understood, tested and changed knowing only what lies below it,
and a cycle can never form. A new app gets its layer here; an app folder without one is a
violation (LAYER), so that no new code escapes these rules."""

DOMAIN_LAYER = 4
"""The layer of the domain apps: they must have the full app shape (DOMAIN_SHAPE)."""

ALLOWED_DOMAIN_DEPENDENCIES: dict[str, set[str]] = {
    "partnerships": {"knowledge"},  # outputs are published practices
    "hub": {"partnerships"},
    "fund": {"partnerships", "hub"},
    "review": {"partnerships", "knowledge", "hub", "fund"},
}
"""Domain apps share one layer; one may read another only when declared here (key above value).
The declaration keeps the domain layer a directed acyclic graph that a reader can see in one place.
`knowledge` and `remittances` depend on no other domain app."""

ROOT_MODULES: set[str] = {"__init__.py", "urls.py", "cli.py", "wsgi.py"}
"""Files at the package root: the entry points that assemble every app (URL map, command line,
WSGI). They are exempt from R1-R2 because assembling is their purpose; in turn no app may import
them, as nothing imports the assembly."""

KERNEL_PUBLIC_APPS: set[str] = {"core"}
"""Apps whose every module is public: the shared kernel exists to be built on."""

PUBLIC: set[str] = {"selectors", "services", "permissions", "errors"}
"""The modules through which another app is reached (STYLE.md): reads, writes, gatekeepers and
error codes. Models, views, forms, routers, importers and exports are the owning app's business:
reaching into them couples two apps' internals."""

PUBLIC_EXTRA: dict[str, set[str]] = {
    "accounts": {"auth"},  # the API token authentication that every router declares
    "search": {"faceted"},  # the declared-facets engine every searchable table uses
    "taxonomy": {"columns"},  # the open-data columns of the reference vocabularies
}
"""Per-app public modules beyond PUBLIC: the contract modules an app exists to offer."""

ASSEMBLY_IMPORTS: dict[str, set[str]] = {
    "api": {"api"},
}
"""What an assembly app may take from every other app beyond PUBLIC: `api/router.py` mounts each
app's django-ninja `Router` from its `api.py` (ARCHITECTURE.md, "Where a new thing goes")."""

PURE: set[str] = {
    "knowledge/review_rules.py",
    "knowledge/freshness.py",
    "search/query.py",
    "search/analysis.py",
    "search/topk.py",
    "search/bitmaps.py",
    "remittances/costs.py",
    "remittances/comparison.py",
    "partnerships/scoring.py",
    "hub/matching.py",
    "hub/workflow.py",
    "fund/ledger.py",
    "fund/screening.py",
    "review/coverage.py",
    "review/gaps.py",
    "review/trends.py",
    "review/network.py",
    "knowledge/tagging.py",
}
"""The pure modules (relative to the package): the algorithm each feature is named for, without
Django (STYLE.md), so that it can be property-tested, benchmarked and read on its own. They import
only the standard library (and numpy, PURE_THIRD_PARTY) and each other. A listed file that does not exist yet is no violation."""

FACES: set[str] = {"views.py", "api.py"}
"""The modules that face users (pages, API routers). They parse, call one selector or service and
render: no ORM access, no transactions, so that every read is prefetched in a selector and every
write runs through a service's rules, history and search indexing."""

ORM_ATTRIBUTES: set[str] = {"objects", "_default_manager", "_base_manager", "select_for_update"}
"""Attribute names that mean a face is querying or locking rows itself (R5)."""

TRANSACTION_MODULE = "django.db.transaction"
"""Transactions belong to services (R5)."""

ERRORS_MODULE = "errors.py"
"""The one file per app where error codes are declared, in a `Code` enumeration (R6): codes are
a stable contract with API clients, so each is declared once and referred to by name."""

SIGNAL_MODULES: tuple[str, ...] = ("django.db.models.signals", "django.dispatch")
"""Signals hide domain behaviour behind the write that triggers it (STYLE.md): side effects
(indexing, e-mails on commit) are explicit calls in services (R7)."""

SKIPPED_FOLDERS: set[str] = {"tests", "migrations", "__pycache__"}
"""Tests build objects any way they need; migrations are generated."""

TEMPLATE_SUFFIXES: set[str] = {".html", ".txt"}
TEMPLATE_TAG = re.compile(r"{%\s*(extends|include)\s+([\"'])([^\"']+)\2")
"""`{% extends "x" %}` and `{% include "x" %}` with a literal name; a variable name (the kernel's
sections, `{% include section.template %}`) is the sanctioned way to compose across apps."""

DOMAIN_SHAPE: tuple[str, ...] = (
    "apps.py",
    "models.py",
    "services.py",
    "selectors.py",
    "permissions.py",
    "errors.py",
    "api.py",
    "urls.py",
    "views.py",
    "exports.py",
    "admin.py",
    "tests/__init__.py",
    "templates/{app}/",
)
"""Every domain app has the same shape (ARCHITECTURE.md, "Inside an app"), so that a newcomer finds
any feature by its name. A trailing slash names a folder."""

KERNEL_SHAPE: dict[str, tuple[str, ...]] = {
    "core": (
        "errors.py",
        "open_data.py",
        "imports.py",
        "pagination.py",
        "audit.py",
        "sections.py",
        "schemas.py",
    ),
    "settings": ("base.py", "dev.py", "test.py", "prod.py"),
}
"""What the kernel declares once for every app: errors, open data, imports, pagination, audit
events, page sections and shared schemas; and the settings of every environment."""

STDLIB: frozenset[str] = frozenset(sys.stdlib_module_names)

PURE_THIRD_PARTY: frozenset[str] = frozenset({"numpy", "Stemmer", "networkx"})
"""What a pure module may import beyond the standard library: numerical arrays, which an algorithm
module may need (remittances/costs.py aggregates half a million quotes), and the Snowball stemmers
(PyStemmer, search/analysis.py), and graph measures (networkx, review/network.py); they carry no
framework, no database and no I/O."""


def violations(package_root: Path) -> list[str]:
    """Every violation in the package at `package_root` (the `migrationhub` directory)."""
    package_root = Path(package_root)
    found: list[str] = []
    found += _unlayered(package_root)
    found += _shape(package_root)
    for path in sorted(package_root.rglob("*.py")):
        rel = path.relative_to(package_root)
        if SKIPPED_FOLDERS.intersection(rel.parts[:-1]):
            continue
        found += _module_violations(package_root, rel)
    for app in sorted(LAYERS):
        templates = package_root / app / "templates"
        if templates.is_dir():
            for path in sorted(templates.rglob("*")):
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                    found += _template_violations(package_root, app, path)
    return list(dict.fromkeys(found))


# --- R1, R2: who may import whom


def _allowed(importer: str, imported: str) -> bool:
    return (
        imported == importer
        or LAYERS[imported] < LAYERS[importer]
        or imported in ALLOWED_DOMAIN_DEPENDENCIES.get(importer, set())
    )


def _direction(importer: str, imported: str) -> str:
    """Why `importer` may not depend on `imported` (R1 and R4 say it the same way)."""
    mine, theirs = LAYERS[importer], LAYERS[imported]
    if theirs > mine:
        return f"{importer} (layer {mine}) depends upward on {imported} (layer {theirs})"
    if mine == DOMAIN_LAYER:
        return (
            f"{importer} depends sideways on {imported} (both domain apps, layer {mine}) "
            f"without an ALLOWED_DOMAIN_DEPENDENCIES entry"
        )
    return f"{importer} depends sideways on {imported} (both layer {mine})"


def _possessive(app: str) -> str:
    return f"{app}'" if app.endswith("s") else f"{app}'s"


def _public(importer: str, imported: str) -> set[str]:
    return PUBLIC | PUBLIC_EXTRA.get(imported, set()) | ASSEMBLY_IMPORTS.get(importer, set())


# --- modules


def _module_violations(package_root: Path, rel: Path) -> list[str]:
    path = package_root / rel
    where = f"{package_root.name}/{rel.as_posix()}"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as error:
        return [f"[SYNTAX] {where}:{error.lineno}: cannot be parsed: {error.msg}"]
    found = [*_import_rules(tree, package_root.name, rel), *_code_rules(tree, rel)]
    return [f"{rule} {where}:{line}: {text}" for line, rule, text in sorted(found)]


def _import_rules(tree: ast.AST, package: str, rel: Path) -> Iterator[tuple[int, str, str]]:
    """R1, R2, R3, R5 (transactions) and R7, from what the module imports."""
    app = rel.parts[0] if len(rel.parts) > 1 else None
    layered = app in LAYERS  # a root module, or an app without a layer (LAYER), is not
    pure = rel.as_posix() in PURE
    pure_modules = {_dotted(package, p) for p in PURE}
    for line, target in _imports(tree, _dotted(package, rel.as_posix())):
        bits = target.split(".")
        shown = _shown(bits, package)
        if pure and not _pure_import(bits, package, pure_modules):
            yield (
                line,
                "[R3 pure]",
                f"the pure module imports {shown}; pure modules import only the standard "
                f"library and other pure modules",
            )
        if _within(target, TRANSACTION_MODULE) and rel.name in FACES and layered:
            yield (
                line,
                "[R5 thin faces]",
                f"{rel.name} imports {TRANSACTION_MODULE}; writes and their transactions "
                f"belong in services",
            )
        if any(_within(target, module) for module in SIGNAL_MODULES):
            yield (
                line,
                "[R7 no signals]",
                f"imports {target}; domain side effects are explicit calls in services, "
                f"never signal receivers",
            )
        if bits[0] != package or len(bits) < 2 or not layered:
            continue
        assert app is not None
        other = bits[1]
        if other + ".py" in ROOT_MODULES:
            yield (
                line,
                "[R1 direction]",
                f"{app} imports the root module {shown}; nothing imports the assembly",
            )
        elif other not in LAYERS:
            yield line, "[R1 direction]", f"{app} imports {shown}, which is in no layer of LAYERS"
        elif not _allowed(app, other):
            yield line, "[R1 direction]", f"{_direction(app, other)}: imports {shown}"
        elif other != app and other not in KERNEL_PUBLIC_APPS:
            submodule = bits[2] if len(bits) > 2 else "__init__"
            public = _public(app, other)
            if submodule not in public:
                yield (
                    line,
                    "[R2 public surface]",
                    f"{app} imports {_possessive(other)} {submodule} directly ({shown}); "
                    f"another app is reached through {', '.join(sorted(public))} only",
                )


def _code_rules(tree: ast.AST, rel: Path) -> Iterator[tuple[int, str, str]]:
    """R5 (ORM access in faces) and R6, from the module's code."""
    face = rel.name in FACES and len(rel.parts) > 1
    for node in ast.walk(tree):
        if face and isinstance(node, ast.Attribute) and node.attr in ORM_ATTRIBUTES:
            yield (
                node.lineno,
                "[R5 thin faces]",
                f"{rel.name} uses .{node.attr}; reads go through selectors, writes through "
                f"services",
            )
        if (
            rel.name != ERRORS_MODULE
            and isinstance(node, ast.keyword)
            and node.arg == "code"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield (
                node.value.lineno,
                "[R6 error codes]",
                f'code="{node.value.value}" is a literal; declare it once in the app\'s '
                f"errors.py Code enumeration",
            )


def _within(target: str, module: str) -> bool:
    return target == module or target.startswith(module + ".")


def _pure_import(bits: list[str], package: str, pure_modules: set[str]) -> bool:
    if bits[0] == package:
        return any(".".join(bits[:n]) in pure_modules for n in range(2, len(bits) + 1))
    return bits[0] in STDLIB or bits[0] in PURE_THIRD_PARTY


def _shown(bits: list[str], package: str) -> str:
    """The imported module, without the imported name (`migrationhub.organisations.models`)."""
    return ".".join(bits[:3]) if bits[0] == package else ".".join(bits)


def _dotted(package: str, rel: str) -> str:
    return ".".join([package, *Path(rel).with_suffix("").parts])


def _imports(tree: ast.AST, module: str) -> Iterator[tuple[int, str]]:
    """(line, absolute dotted name) of everything imported, anywhere in the module.

    `from a.b import c` gives `a.b.c`: c may be a submodule (`from migrationhub.organisations
    import selectors`) or a name, and in both cases the first three parts name the module imported.
    Relative imports are resolved against the module's package.
    """
    package = module.split(".")[:-1]  # for an __init__ this is the package itself
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                up = node.level - 1
                if up > len(package) - 1:
                    continue  # beyond the top of the package: Python refuses it too
                base = package[: len(package) - up] if up else package
                base = [*base, *node.module.split(".")] if node.module else base
            else:
                base = (node.module or "").split(".")
            for alias in node.names:
                name = base if alias.name == "*" else [*base, alias.name]
                yield node.lineno, ".".join(name)


# --- R4 templates


def _template_violations(package_root: Path, app: str, path: Path) -> list[str]:
    where = f"{package_root.name}/{path.relative_to(package_root).as_posix()}"
    text = path.read_text(encoding="utf-8")
    found = []
    for match in TEMPLATE_TAG.finditer(text):
        tag, name = match.group(1), match.group(3)
        other = name.split("/", 1)[0] if "/" in name else None
        if other in LAYERS and not _allowed(app, other):
            line = text.count("\n", 0, match.start()) + 1
            found.append(
                f'[R4 templates] {where}:{line}: {{% {tag} "{name}" %}}: {_direction(app, other)}'
            )
    return found


# --- LAYER and SHAPE


def _unlayered(package_root: Path) -> list[str]:
    found = []
    package = package_root.name
    for child in sorted(package_root.iterdir()):
        if child.is_file() and child.suffix == ".py" and child.name not in ROOT_MODULES:
            found.append(
                f"[LAYER] {package}/{child.name}: a module outside every app; "
                f"put it in the app it serves (or in core under a real name)"
            )
        elif (
            child.is_dir()
            and child.name not in LAYERS
            and child.name not in SKIPPED_FOLDERS
            and any(child.rglob("*.py"))
        ):
            found.append(
                f"[LAYER] {package}/{child.name}/: the app {child.name} has no layer in LAYERS"
            )
    return found


def _shape(package_root: Path) -> list[str]:
    found = []
    package = package_root.name
    for app, layer in sorted(LAYERS.items()):
        folder = package_root / app
        if not folder.is_dir():
            continue
        if layer == DOMAIN_LAYER:
            expected = [entry.format(app=app) for entry in DOMAIN_SHAPE]
            kind = "domain app"
        elif app in KERNEL_SHAPE:
            expected = list(KERNEL_SHAPE[app])
            kind = "kernel"
        else:
            continue
        for entry in expected:
            present = (
                (folder / entry).is_dir() if entry.endswith("/") else (folder / entry).is_file()
            )
            if not present:
                found.append(f"[SHAPE] {package}/{app}/: the {kind} has no {entry}")
    return found
