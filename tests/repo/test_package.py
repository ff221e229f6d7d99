"""scripts/package and scripts/install produce layouts HACS and Home Assistant accept."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
import zipfile

from PIL import Image
import pytest

from . import repo_checks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import package  # noqa: E402

INTEGRATIONS = repo_checks.integrations(ROOT)
# Replace Home Assistant core integrations whose official brand HA already shows.
OFFICIAL_BRANDS = {"ohme", "osoenergy"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert package.main(["--dist", str(out)]) == 0
    return out


def _files(base: Path) -> set[str]:
    return {
        str(p.relative_to(base))
        for p in base.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("integration", INTEGRATIONS, ids=lambda p: p.name)
def test_repository_layout(dist: Path, integration: Path) -> None:
    """One integration per repository, with the files HACS requires, passing every check."""
    repo = dist / integration.name
    assert [p.name for p in (repo / "custom_components").iterdir()] == [integration.name]
    packaged = repo / "custom_components" / integration.name
    assert _files(packaged) == _files(integration)
    assert repo_checks.check_all(packaged) == []
    assert repo_checks.check_hacs_json(repo / "hacs.json") == []
    hacs = json.loads((repo / "hacs.json").read_text())
    manifest = json.loads((integration / "manifest.json").read_text())
    assert hacs["name"] == manifest["name"]
    readme = (repo / "README.md").read_text()
    assert readme.startswith("# ")
    assert "custom_components/" + integration.name in readme
    for image in (ROOT / "docs" / "images").glob("*.png"):
        if f"images/{image.name}" in readme:
            assert (repo / "images" / image.name).exists()
    assert (repo / "LICENSE").read_text().startswith("MIT License")
    assert "hacs/action" in (repo / ".github" / "workflows" / "validate.yml").read_text()


@pytest.mark.parametrize("integration", INTEGRATIONS, ids=lambda p: p.name)
def test_brand_icon(integration: Path) -> None:
    """HA 2026.3+ and the HACS brands check read brand/icon.png: a 256x256 PNG.

    Home Assistant serves a custom integration's own icon in place of the official one, so
    the two that replace core integrations (Ohme, OSO Energy) ship none: users keep seeing
    the vendors' logos.
    """
    icon_path = integration / "brand" / "icon.png"
    if integration.name in OFFICIAL_BRANDS:
        assert not (integration / "brand").exists()
        return
    with Image.open(icon_path) as icon:
        assert icon.format == "PNG"
        assert icon.size == (256, 256)


@pytest.mark.parametrize("integration", INTEGRATIONS, ids=lambda p: p.name)
def test_manual_install_zip(dist: Path, integration: Path) -> None:
    manifest = json.loads((integration / "manifest.json").read_text())
    archive = dist / f"{integration.name}-{manifest['version']}.zip"
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert json.loads(zf.read("manifest.json"))["domain"] == integration.name
    assert names == _files(integration)


def test_install_copies_into_a_config_dir(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    stale = config / "custom_components" / INTEGRATIONS[0].name / "stale.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install"), str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for integration in INTEGRATIONS:
        assert _files(config / "custom_components" / integration.name) == _files(integration)
    assert not stale.exists()


def test_install_refuses_bad_arguments(tmp_path: Path) -> None:
    script = str(ROOT / "scripts" / "install")
    assert subprocess.run(["bash", script], capture_output=True, check=False).returncode == 2
    missing = subprocess.run(
        ["bash", script, str(tmp_path / "nope")], capture_output=True, check=False
    )
    assert missing.returncode == 2
    unknown = subprocess.run(
        ["bash", script, str(tmp_path), "no_such_domain"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2
    assert "no integration named 'no_such_domain'" in unknown.stderr
    assert not (tmp_path / "custom_components").exists()
