"""The wheel is the product: it runs outside a checkout (its data inside), without its tests."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_data_and_the_licence_but_no_tests(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("migrationhub-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [n for n in names if "/tests/" in n]
    for shipped in (
        "migrationhub/data/reference/gcm_objectives.csv",
        "migrationhub/data/demo/practices.json",
        "migrationhub/data/remittances/rpw_quotes_2011q1_2014q2.csv",
        "migrationhub/data/hxl/hxl_hashtags.csv",
        # the IATI schema with what it includes and imports, offline (partnerships/iati.py)
        "migrationhub/data/iati/schema_2.03/iati-activities-schema.xsd",
        "migrationhub/data/iati/schema_2.03/iati-common.xsd",
        "migrationhub/data/iati/schema_2.03/xml.xsd",
        "migrationhub/data/iati/codelists/OrganisationRole.xml",
        "migrationhub/locale/ar/LC_MESSAGES/django.mo",
        "migrationhub/web/templates/base.html",
        "migrationhub/web/static/migrationhub/site.css",
        "migrationhub/search/stopwords/ar.txt",  # read by search/analysis.py at import
    ):
        assert shipped in names, shipped
    assert any(n.endswith("licenses/LICENSE") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: AGPL-3.0-or-later" in text
    assert "frictionless" not in text.split("Provides-Extra: dev")[0]
