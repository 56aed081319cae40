"""Every setting, CLI command and API operation is documented (as datasette's test_docs does)."""

import json
import re
from pathlib import Path

from migrationhub import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "reference"


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in [*cli.COMMANDS, "serve", "manage"]:
        assert f"`migrationhub {name}" in text, name


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
