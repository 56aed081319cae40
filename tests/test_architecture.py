"""Apps depend downward only (STYLE.md): a test walks every import and fails on a violation.

Layers, lowest first. Domain modules (models, services, selectors, permissions, the pure
algorithm modules) may import only their own app and apps of lower layers. Presentation modules
(views, urls, forms, api routers, templates tags) compose pages from several apps and may also read
other apps' selectors and forms, but never reach into another app's models or services to write.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "migrationhub"
LAYERS = {
    "core": 0,
    "settings": 0,
    "taxonomy": 1,
    "accounts": 2,
    "search": 2,
    "api": 3,  # auth, schemas and errors only; api.router is the assembly (below)
    "organisations": 4,
    "knowledge": 5,
    "remittances": 5,
    "web": 9,
}
ASSEMBLY = {"migrationhub.urls", "migrationhub.api.router", "migrationhub.cli", "migrationhub.wsgi"}
PRESENTATION = {"views", "urls", "forms", "api", "open_data_api", "review_urls", "admin"}
READABLE_ACROSS = {"selectors", "forms", "permissions", "exports"}
API_KERNEL = {"auth", "schemas", "errors"}  # what an app's API router builds on


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _violations():
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        module = _module_name(path)
        if len(parts) < 2 or module in ASSEMBLY or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        if app not in LAYERS:
            continue
        kind = Path(parts[-1]).stem
        for target in _imports(path):
            bits = target.split(".")
            if bits[0] != "migrationhub" or len(bits) < 2 or bits[1] not in LAYERS:
                continue
            other = bits[1]
            if other == app or target in ASSEMBLY:
                if target in ASSEMBLY and module not in ASSEMBLY:
                    yield f"{module} imports the assembly {target}"
                continue
            if LAYERS[other] < LAYERS[app]:
                continue
            submodule = bits[2] if len(bits) > 2 else ""
            if kind in PRESENTATION and submodule in READABLE_ACROSS:
                continue
            if kind in PRESENTATION and other == "api" and submodule in API_KERNEL:
                continue
            yield f"{module} ({app}, layer {LAYERS[app]}) imports {target} (layer {LAYERS[other]})"


def test_apps_depend_downward_only():
    assert sorted(_violations()) == []


def test_every_app_has_the_same_shape():
    for app in ("taxonomy", "organisations", "knowledge"):
        for name in ("models.py", "selectors.py", "api.py", "urls.py", "views.py"):
            assert (PACKAGE / app / name).exists(), f"{app}/{name}"
    for app in ("accounts", "organisations", "knowledge"):
        assert (PACKAGE / app / "services.py").exists(), f"{app}/services.py"
