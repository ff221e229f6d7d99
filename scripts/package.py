"""Build HACS-ready repository layouts and manual-install zips into dist/.

HACS manages exactly one integration per repository, so each integration of this monorepo is
published as its own repository. For every ``custom_components/<domain>`` this writes:

- ``dist/<domain>/``: the repository layout (``custom_components/<domain>/``, ``hacs.json``,
  ``README.md`` from ``docs/<domain>.md`` with its images, ``LICENSE``, and the hassfest and
  HACS validation workflow);
- ``dist/<domain>-<version>.zip``: the integration's files at the zip root, to unpack into
  ``<config>/custom_components/<domain>/`` for a manual install.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import re
import shutil
import sys
import zipfile

ROOT = Path(__file__).resolve().parents[1]
MIN_HA_VERSION = "2025.4.4"
MIN_HACS_VERSION = "2.0.0"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")

VALIDATE_WORKFLOW = """\
name: Validate

on:
  push:
  pull_request:
  schedule:
    - cron: "0 4 * * *"
  workflow_dispatch:

permissions: {}

jobs:
  hassfest:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: home-assistant/actions/hassfest@master
  hacs:
    runs-on: ubuntu-latest
    steps:
      - uses: hacs/action@main
        with:
          category: integration
"""

INSTALL_NOTE = """\
## Installation

**HACS:** HACS > Integrations > menu > Custom repositories, add this repository with the
category *Integration*, then install *{name}* and restart Home Assistant.

**Manually:** download `{domain}-{version}.zip` from the release, unpack it into
`<config>/custom_components/{domain}/` and restart Home Assistant.

Then add the integration in Settings > Devices & services > Add integration > *{name}*.
"""


def integrations() -> list[Path]:
    """Return every integration directory of the monorepo."""
    base = ROOT / "custom_components"
    return sorted(p for p in base.iterdir() if (p / "manifest.json").exists())


def readme(domain: str, manifest: dict[str, str], images_out: Path) -> str:
    """Return the split repository's README: the user docs, install notes, local images."""
    docs = ROOT / "docs" / f"{domain}.md"
    text = docs.read_text() if docs.exists() else f"# {manifest['name']}\n"
    for match in sorted(set(re.findall(r"\]\((?:\./)?images/([^)\s]+)\)", text))):
        source = ROOT / "docs" / "images" / match
        if source.exists():
            images_out.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, images_out / match)
    note = INSTALL_NOTE.format(name=manifest["name"], domain=domain, version=manifest["version"])
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{note}\n{rest.lstrip()}"


def build(domain_dir: Path, dist: Path) -> tuple[Path, Path]:
    """Build one integration's repository layout and zip; return both paths."""
    domain = domain_dir.name
    manifest = json.loads((domain_dir / "manifest.json").read_text())
    repo = dist / domain
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(domain_dir, repo / "custom_components" / domain, ignore=IGNORE)
    hacs = {"name": manifest["name"], "hacs": MIN_HACS_VERSION, "homeassistant": MIN_HA_VERSION}
    (repo / "hacs.json").write_text(json.dumps(hacs, indent=2) + "\n")
    (repo / "README.md").write_text(readme(domain, manifest, repo / "images"))
    shutil.copy2(ROOT / "LICENSE", repo / "LICENSE")
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "validate.yml").write_text(VALIDATE_WORKFLOW)

    archive = dist / f"{domain}-{manifest['version']}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((repo / "custom_components" / domain).rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(repo / "custom_components" / domain))
    return repo, archive


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="scripts/package", description=__doc__)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output directory")
    args = parser.parse_args(argv)
    args.dist.mkdir(parents=True, exist_ok=True)
    for domain_dir in integrations():
        repo, archive = build(domain_dir, args.dist)
        print(f"{domain_dir.name}: {repo} and {archive.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
