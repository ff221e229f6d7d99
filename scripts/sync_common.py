"""Copy the shared modules of common/ into the integrations that use them.

HACS installs one integration folder, so each integration carries its own copy of what the four
share. ``common/`` holds the one copy that is edited; this script writes it into every
``custom_components/<domain>/`` listed in ``COPIES``. ``--check`` only reports the copies that
differ (tests/repo/test_common.py runs the same check).
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parents[1]
ALL = ("charge_amps_monitor", "ohme", "osoenergy", "smartenergy_goecharger")
# Shared module -> the integrations that carry a copy of it.
COPIES: dict[str, tuple[str, ...]] = {
    "cloud.py": ALL,
    "devices.py": ("charge_amps_monitor", "osoenergy"),
}


def stale_copies(root: Path = ROOT) -> list[Path]:
    """Return the copies that are missing or differ from common/."""
    stale = []
    for name, domains in COPIES.items():
        source = (root / "common" / name).read_bytes()
        for domain in domains:
            copy = root / "custom_components" / domain / name
            if not copy.exists() or copy.read_bytes() != source:
                stale.append(copy)
    return stale


def main() -> int:
    """Write the copies, or with --check list the stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale copies")
    args = parser.parse_args()
    stale = stale_copies()
    for copy in stale:
        if args.check:
            print(f"differs from common/{copy.name}: {copy.relative_to(ROOT)}")
        else:
            copy.write_bytes((ROOT / "common" / copy.name).read_bytes())
            print(f"updated {copy.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
