"""The documentation keeps up with the code (issue 23): every setting of ``portal.config.Settings``
is documented in docs/operating/configuration.md under its full environment variable name, every
``PORTAL_…`` name the docs mention exists, every relative link points at a file that exists, the
README's first screen has the two commands and the demo logins, and ``publiccode.yml`` parses
with the keys the publiccode.yml standard (v0.4) requires."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from portal.config import PROJECT_ROOT, Settings

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
CONFIGURATION = DOCS / "operating" / "configuration.md"

# Read by the tests, the Makefile or prometheus-client, not by Settings (configuration.md lists
# them apart, under "Not settings of the portal").
NOT_SETTINGS = {"PORTAL_TEST_DATABASE_URL", "PORTAL_BENCH_DATABASE_URL", "PORTAL_CHROMIUM", "PORTAL_CHROMIUM_HEADLESS"}

# A name, a name cut short (PORTAL_ZGW_…, PORTAL_DELIVERY_*, PORTAL_SMTP_HOST/_PORT), or a bare tail.
VARIABLE = re.compile(r"\bPORTAL_[A-Z0-9_]*")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def variables(text: str) -> set[str]:
    return set(VARIABLE.findall(text))


def setting_names() -> set[str]:
    return {f"PORTAL_{name.upper()}" for name in Settings.model_fields}


def test_every_setting_is_documented_under_its_full_variable_name():
    documented = {match.strip("`") for match in re.findall(r"`PORTAL_[A-Z0-9_]+`", CONFIGURATION.read_text())}
    missing = setting_names() - documented
    assert not missing, f"settings not in {CONFIGURATION.relative_to(PROJECT_ROOT)}: {sorted(missing)}"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_every_documented_variable_exists(path: Path):
    known = setting_names() | NOT_SETTINGS
    text = path.read_text()
    names = variables(text) - {"PORTAL_"}  # the prefix itself ("every `PORTAL_…` setting")
    cut_short = sorted(name for name in names if name.endswith("_"))
    assert not cut_short, f"write variables in full (a test can only check full names): {cut_short}"
    unknown = sorted(names - known)
    assert not unknown, f"no such setting in portal/config.py: {unknown}"
    tails = [
        tail[1:]
        for tail in re.findall(r"(?:`|/)_[A-Z][A-Z0-9_]*", text)
        if any(name.endswith(tail[1:]) for name in known)
    ]
    assert not tails, f"abbreviated variable names such as {tails[:3]}: write them in full"


def test_the_check_finds_an_undocumented_and_an_abbreviated_variable(tmp_path):
    page = tmp_path / "page.md"
    for text, complaint in (
        ("set `PORTAL_NO_SUCH_THING`", "no such setting"),
        ("the `PORTAL_ZGW_…` settings", "write variables in full"),
        ("`PORTAL_SESSION_IDLE_MINUTES` / `_WARNING_MINUTES`", "abbreviated"),
        ("`PORTAL_SMTP_HOST/_PORT`", "abbreviated"),
    ):
        page.write_text(text)
        with pytest.raises(AssertionError, match=complaint):
            test_every_documented_variable_exists(page)


def test_the_non_settings_are_not_settings():
    """If one of them becomes a Settings field, document it with the others instead."""
    assert not NOT_SETTINGS & setting_names()


def relative_links(text: str) -> list[str]:
    text = FENCE.sub("", text)
    return [
        target
        for target in LINK.findall(text)
        if not urlsplit(target).scheme and not target.startswith(("#", "mailto:"))
    ]


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_every_relative_link_points_at_an_existing_file(path: Path):
    broken = []
    for target in relative_links(path.read_text()):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / unquote(file_part)).resolve()
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in headings(linked)):
            broken.append(target)
    assert not broken, f"links to nothing: {broken}"


def headings(path: Path) -> set[str]:
    """GitHub's anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for line in FENCE.sub("", path.read_text()).splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return anchors


def test_the_link_check_sees_a_broken_link_and_a_broken_anchor(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Top part\n[a](missing.md) [b](page.md#top-part) [c](page.md#nowhere) [d](https://x.org/y.md)")
    assert relative_links(page.read_text()) == ["missing.md", "page.md#top-part", "page.md#nowhere"]
    assert headings(page) == {"top-part"}


def test_the_first_screen_of_the_readme_has_the_two_commands_and_the_demo_logins():
    lines = README.read_text().splitlines()
    assert lines[0].startswith("# ")
    first_block = lines[1 : lines.index("```", 3) + 1]
    commands = [line.split("#")[0].strip() for line in first_block if line.startswith("make ")]
    assert commands == ["make run", "make test"]
    first_screen = "\n".join(lines[:35])
    assert "## Demo logins" in first_screen
    for login in ("999993653", "999990019", "123456782", "12345678", "87654321", "e.devries"):
        assert login in first_screen


def test_the_readme_stays_short():
    assert len(README.read_text()) < 6000, "move detail into docs/ (one file per topic)"


PUBLICCODE = PROJECT_ROOT / "publiccode.yml"
REQUIRED = ("publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus", "softwareType")
REQUIRED_DESCRIPTION = ("shortDescription", "longDescription", "features")


def test_publiccode_yml_has_what_the_standard_requires():
    data = yaml.safe_load(PUBLICCODE.read_text())
    assert [key for key in REQUIRED if not data.get(key)] == []
    assert data["publiccodeYmlVersion"] == "0.4"
    assert "web" in data["platforms"]
    assert data["softwareType"] == "standalone/web"
    assert data["developmentStatus"] in ("concept", "development", "beta", "stable", "obsolete")
    date.fromisoformat(str(data["releaseDate"]))
    assert data["legal"]["license"] == "EUPL-1.2"
    assert data["maintenance"]["type"] in ("internal", "contract", "community", "none")
    assert data["maintenance"]["contacts"][0]["name"]
    assert set(data["localisation"]["availableLanguages"]) == {"nl", "en"}
    assert isinstance(data["localisation"]["localisationReady"], bool)
    assert "PostgreSQL" in [dependency["name"] for dependency in data["dependsOn"]["open"]]
    for language in ("nl", "en"):
        description = data["description"][language]
        assert [key for key in REQUIRED_DESCRIPTION if not description.get(key)] == []
        assert len(description["shortDescription"]) <= 150
        assert 150 <= len(description["longDescription"]) <= 10000
        assert all(isinstance(feature, str) and len(feature) <= 100 for feature in description["features"])


def test_publiccode_yml_has_the_version_of_pyproject():
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
    assert version is not None
    assert yaml.safe_load(PUBLICCODE.read_text())["softwareVersion"] == version.group(1)
