"""Fail unless each integration has >= 95 % coverage and 100 % on config_flow.py.

Reads the JSON report written by ``pytest --cov --cov-report=json:coverage.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

INTEGRATION_MIN = 95.0
CONFIG_FLOW_MIN = 100.0
SIMULATOR_MIN = 90.0


def _percent(files: dict[str, dict], prefix: str) -> tuple[float, int]:
    covered = total = 0
    for name, data in files.items():
        if name.startswith(prefix):
            covered += data["summary"]["covered_lines"]
            total += data["summary"]["num_statements"]
    return (100.0 * covered / total if total else 100.0), total


def main(report_path: str) -> int:
    """Check the gates and print one line per integration."""
    files = json.loads(Path(report_path).read_text())["files"]
    failures: list[str] = []
    root = Path("custom_components")
    for integration in sorted(p for p in root.iterdir() if (p / "manifest.json").exists()):
        percent, statements = _percent(files, f"{integration}/")
        print(f"{integration.name}: {percent:.1f}% of {statements} statements")
        if percent < INTEGRATION_MIN:
            failures.append(f"{integration.name} coverage {percent:.1f}% < {INTEGRATION_MIN}%")
        flow = files.get(f"{integration}/config_flow.py")
        if flow is not None and flow["summary"]["percent_covered"] < CONFIG_FLOW_MIN:
            failures.append(
                f"{integration.name}/config_flow.py coverage "
                f"{flow['summary']['percent_covered']:.1f}% < {CONFIG_FLOW_MIN}%"
            )
    percent, statements = _percent(files, "simulator/")
    print(f"simulator: {percent:.1f}% of {statements} statements")
    if percent < SIMULATOR_MIN:
        failures.append(f"simulator coverage {percent:.1f}% < {SIMULATOR_MIN}%")
    for failure in failures:
        print(f"COVERAGE GATE: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "coverage.json"))
