"""Every setting, CLI command and API operation is documented (as datasette's test_docs does)."""

import ast
import json
import re
from pathlib import Path

from migrationhub import cli
from tests.architecture import PURE

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "reference"


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in [*cli.COMMANDS, "serve", "manage"]:
        assert f"`migrationhub {name}" in text, name


def test_every_management_command_is_reachable_and_documented():
    # given every management command the apps define
    names = {
        path.stem
        for path in (ROOT / "migrationhub").glob("*/management/commands/*.py")
        if not path.name.startswith("_")
    }
    assert "remittances_import" in names  # the glob finds them
    reachable = {name for argv in cli.COMMANDS.values() for name in argv}
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    # then each is run by a `migrationhub` command, or cli.md says how to run it through `manage`
    missing = sorted(
        n for n in names if n not in reachable and f"migrationhub manage {n}" not in text
    )
    assert missing == []


def test_every_environment_variable_is_documented():
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "migrationhub" / "settings").glob("*.py")
    )
    names = set(
        re.findall(
            r'(?:environ(?:\.get)?[(\[]|env_bool\(|env_list\(|env=)\s*"([A-Z][A-Z0-9_]+)"', source
        )
    )
    assert "DATABASE_URL" in names and "REDIS_URL" in names
    documented = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"`{n}`" not in documented)
    assert missing == []


def test_every_migrationhub_setting_is_documented():
    # given MigrationHub's own settings: the names the settings modules assign (in `if`s too)
    names = set()
    for path in (ROOT / "migrationhub" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    names = {n for n in names if n.startswith("MIGRATIONHUB_")}
    assert "MIGRATIONHUB_PAGE_SIZE" in names
    # then configuration.md names each one
    documented = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert sorted(n for n in names if f"`{n}`" not in documented) == []


def _operations():
    document = json.loads((DOCS / "openapi.json").read_text(encoding="utf-8"))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_every_api_operation_has_a_summary_an_explicit_id_and_is_in_api_md():
    reference = (DOCS / "api.md").read_text(encoding="utf-8")
    problems = []
    operations = list(_operations())
    assert operations
    for method, path, operation in operations:
        where = f"{method} {path}"
        if not operation.get("summary"):
            problems.append(f"{where}: no summary")
        operation_id = operation.get("operationId", "")
        # ninja derives an id from the module path (migrationhub_<app>_api_<function>) when none
        # is given: such ids change when code moves, and clients generated from them break.
        if not operation_id or operation_id.startswith("migrationhub_"):
            problems.append(f"{where}: no explicit operationId (got {operation_id!r})")
        if f"`{where}`" not in reference:
            problems.append(f"{where}: not in docs/reference/api.md")
    listed = set(re.findall(r"`((?:GET|POST|PUT|PATCH|DELETE) /api/v1/\S*)`", reference))
    existing = {f"{method} {path}" for method, path, _ in operations}
    problems += [
        f"{gone}: in docs/reference/api.md but not in the API" for gone in listed - existing
    ]
    assert problems == [], "\n".join(["", *problems])


def test_every_api_operation_has_a_summary_and_is_listed_in_the_readme():
    document = json.loads((DOCS / "openapi.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path}"
        prefix = "/".join(path.split("/")[:4])  # /api/v1/<router>
        assert prefix in readme, f"{prefix} is not in the README's API section"


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme


def test_architecture_md_and_the_checker_agree_on_the_pure_modules():
    # given the modules ARCHITECTURE.md calls pure (its "pure modules" row)
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "pure module" in line.lower()]
    named = {m for line in lines for m in re.findall(r"`([\w/]+\.py)`", line)}
    assert named, "ARCHITECTURE.md names no pure module"
    # then the checker treats each as pure, and each pure module on disk is named there
    assert sorted(named - PURE) == []
    on_disk = {p for p in PURE if (ROOT / "migrationhub" / p).is_file()}
    assert sorted(on_disk - named) == []
