"""Static checks for what Home Assistant, hassfest and HACS reject or users would notice.

Each ``check_*`` function takes an integration directory (or the repository root) and returns a
list of problems as strings; an empty list means the check passed. The tests in this package
run them over every integration under ``custom_components/`` and over deliberately broken
copies, so they apply to integrations as they land.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
import json
from pathlib import Path
import re
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
import yaml

IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {"device", "entity", "hardware", "helper", "hub", "service", "system"}
# Manifest keys that Home Assistant 2026.x shows for every integration (custom ones too):
# "categories" ("<category>.<subcategory>" slugs, the primary first) and "connectivity" (the
# protocols that reach the devices; these are the values HA 2026.11's own manifests use).
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
CONNECTIVITY = {
    "bluetooth", "cloud", "dali", "dect", "enocean", "esphome", "homekit", "host", "infrared",
    "insteon", "knx", "lorawan", "matter", "modbus", "mqtt", "network", "onewire", "rf",
    "serial", "x10", "zigbee", "zwave",
}  # fmt: skip
REQUIRED_MANIFEST_KEYS = (
    "domain",
    "name",
    "categories",
    "codeowners",
    "config_flow",
    "connectivity",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "version",
)
VERSION_STRATEGIES = {
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
}
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}
QUALITY_RULES = frozenset(
    [
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-triggers",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
        "async-dependency",
        "inject-websession",
        "strict-typing",
    ]
)
ENTITY_PLATFORMS = {
    "binary_sensor",
    "button",
    "climate",
    "number",
    "select",
    "sensor",
    "switch",
    "time",
    "update",
    "water_heater",
}
# common/cloud.py chooses an exception's translation key in ``describe_error``, which returns
# ``(key, placeholders)``; the functions that raise with it pass the key on in this variable.
DESCRIBE_ERROR = "describe_error"
DESCRIBED_KEY = {("update_error", "key"), ("async_write_error", "key")}
EXCEPTION_CLASSES = {
    "HomeAssistantError",
    "ServiceValidationError",
    "UpdateFailed",
    "ConfigEntryAuthFailed",
    "ConfigEntryNotReady",
    "ConfigEntryError",
}
# Aborts Home Assistant itself may show without the integration's code naming them.
IMPLICIT_ABORTS = {"already_in_progress"}
TRANSLATION_KEY_RE = re.compile(r"^[a-z0-9_-]+$")
MDI_RE = re.compile(r"^mdi:[a-z0-9-]+$")


def integrations(root: Path) -> list[Path]:
    """Return every integration directory under ``root/custom_components``."""
    base = root / "custom_components"
    return sorted(p for p in base.iterdir() if p.is_dir() and (p / "manifest.json").exists())


def _load_json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path.name}: missing")
    except json.JSONDecodeError as err:
        problems.append(f"{path.name}: invalid JSON ({err})")
    return None


# --- manifest.json -----------------------------------------------------------------------


def check_manifest(integration: Path) -> list[str]:
    """Check the manifest as hassfest, HA's loader and HACS do."""
    problems: list[str] = []
    manifest = _load_json(integration / "manifest.json", problems)
    if not isinstance(manifest, dict):
        return problems or ["manifest.json: not an object"]
    keys = list(manifest)
    expected = ["domain", "name", *sorted(k for k in keys if k not in {"domain", "name"})]
    if keys != expected:
        problems.append(
            "manifest.json: keys are not sorted correctly: domain, name, then alphabetical"
        )
    problems.extend(
        f"manifest.json: missing {key}" for key in REQUIRED_MANIFEST_KEYS if key not in manifest
    )
    if manifest.get("domain") != integration.name:
        problems.append("manifest.json: domain does not match the directory name")
    version = manifest.get("version")
    if version is not None and (
        not isinstance(version, str) or AwesomeVersion(version).strategy not in VERSION_STRATEGIES
    ):
        problems.append(f"manifest.json: version {version!r} is not a valid version")
    for key in ("documentation", "issue_tracker"):
        value = manifest.get(key)
        if value is not None and not (isinstance(value, str) and value.startswith("https://")):
            problems.append(f"manifest.json: {key} must be an https URL")
    for key, valid in (
        ("categories", CATEGORY_RE.match),
        ("connectivity", CONNECTIVITY.__contains__),
    ):
        values = manifest.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and valid(v) for v in values):
            problems.append(f"manifest.json: {key} must be a list of known values")
    if "codeowners" in manifest and not isinstance(manifest["codeowners"], list):
        problems.append("manifest.json: codeowners must be a list")
    if "iot_class" in manifest and manifest["iot_class"] not in IOT_CLASSES:
        problems.append(f"manifest.json: unknown iot_class {manifest['iot_class']!r}")
    if "integration_type" in manifest and manifest["integration_type"] not in INTEGRATION_TYPES:
        problems.append(f"manifest.json: unknown integration_type {manifest['integration_type']!r}")
    if manifest.get("config_flow") is True and not (integration / "config_flow.py").exists():
        problems.append("manifest.json: config_flow is true but config_flow.py is missing")
    if "config_flow" in manifest and manifest["config_flow"] is not True:
        problems.append("manifest.json: config_flow must be true (UI setup is required)")
    return problems


def check_hacs_json(path: Path) -> list[str]:
    """Check a hacs.json against the keys HACS accepts."""
    problems: list[str] = []
    data = _load_json(path, problems)
    if not isinstance(data, dict):
        return problems or ["hacs.json: not an object"]
    problems.extend(f"hacs.json: unknown key {key!r}" for key in sorted(set(data) - HACS_KEYS))
    if not isinstance(data.get("name"), str):
        problems.append("hacs.json: name is required")
    if data.get("zip_release") and not data.get("filename"):
        problems.append("hacs.json: zip_release is true but filename is not set")
    return problems


# --- code analysis -------------------------------------------------------------------------


def _modules(integration: Path) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(integration.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


@dataclass
class CodeFacts:
    """What an integration's code uses, found by reading its syntax tree."""

    constants: dict[str, str] = field(default_factory=dict)
    entity_keys: set[tuple[str, str]] = field(default_factory=set)
    exception_keys: set[str] = field(default_factory=set)
    issue_keys: set[str] = field(default_factory=set)
    flow: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: {
            section: {"step": set(), "error": set(), "abort": set()}
            for section in ("config", "options")
        }
    )
    services: set[str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)


class _Analyzer(ast.NodeVisitor):
    def __init__(self, facts: CodeFacts, path: Path, integration: Path) -> None:
        self.facts = facts
        self.path = path
        self.where = str(path.relative_to(integration.parent))
        self.platform = path.stem if path.stem in ENTITY_PLATFORMS else None
        self.section = "config"
        self.function = ""

    def resolve(self, node: ast.AST | None, what: str) -> str | None:
        value: str | None = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.Name):
            if (self.function, node.id) in DESCRIBED_KEY:
                return None  # the keys are those describe_error returns
            value = self.facts.constants.get(node.id)
        elif isinstance(node, ast.Attribute):
            value = self.facts.constants.get(node.attr)
        if value is None and not (isinstance(node, ast.Constant) and node.value is None):
            self.facts.unresolved.append(f"{what} at {self.where}:{getattr(node, 'lineno', '?')}")
        return value

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        previous = self.section
        bases = {
            b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases
        }
        if any("OptionsFlow" in base for base in bases):
            self.section = "options"
        elif any(base.endswith("ConfigFlow") for base in bases):
            self.section = "config"
        self.generic_visit(node)
        self.section = previous

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        previous, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = previous

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if self.function == DESCRIBE_ERROR and isinstance(value, ast.Tuple) and value.elts:
            key = self.resolve(value.elts[0], "describe_error key")
            if key:
                self.facts.exception_keys.add(key)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "errors"
            ):
                value = self.resolve(node.value, "flow error")
                if value:
                    self.facts.flow[self.section]["error"].add(value)
            if (
                isinstance(target, ast.Name)
                and target.id == "_attr_translation_key"
                and self.platform
            ):
                value = self.resolve(node.value, "_attr_translation_key")
                if value:
                    self.facts.entity_keys.add((self.platform, value))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        flow = self.facts.flow[self.section]
        if "translation_key" in keywords:
            if name in EXCEPTION_CLASSES:
                value = self.resolve(keywords["translation_key"], f"{name} translation_key")
                if value:
                    self.facts.exception_keys.add(value)
            elif name == "async_create_issue":
                value = self.resolve(keywords["translation_key"], "issue translation_key")
                if value:
                    self.facts.issue_keys.add(value)
            elif name.endswith("Description") and self.platform:
                value = self.resolve(keywords["translation_key"], "entity translation_key")
                if value:
                    self.facts.entity_keys.add((self.platform, value))
        if name == "async_show_form" and "step_id" in keywords:
            value = self.resolve(keywords["step_id"], "step_id")
            if value:
                flow["step"].add(value)
        elif name in {"async_abort", "_abort_if_unique_id_mismatch"}:
            default = "unique_id_mismatch" if name != "async_abort" else None
            reason = keywords.get("reason")
            value = self.resolve(reason, "abort reason") if reason is not None else default
            if value:
                flow["abort"].add(value)
        elif name in {"_abort_if_unique_id_configured", "_async_abort_entries_match"}:
            flow["abort"].add("already_configured")
        elif name in {"async_update_reload_and_abort", "async_update_and_abort"}:
            if "reason" in keywords:
                value = self.resolve(keywords["reason"], "abort reason")
            elif "reconfigure" in self.function:
                value = "reconfigure_successful"
            else:
                value = "reauth_successful"
            if value:
                flow["abort"].add(value)
        self._services(name, node, keywords)
        errors = keywords.get("errors")
        if name == "async_show_form" and isinstance(errors, ast.Dict):
            for value_node in errors.values:
                value = self.resolve(value_node, "flow error")
                if value:
                    flow["error"].add(value)
        self.generic_visit(node)

    def _services(self, name: str, node: ast.Call, keywords: dict[str, ast.expr]) -> None:
        positions = {
            "async_register": 1,
            "async_register_admin_service": 2,
            "async_register_entity_service": 0,
            "async_register_platform_entity_service": 2,
        }
        if name not in positions:
            return
        if name == "async_register" and not (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "services"
        ):
            return
        target = keywords.get("service_name") or keywords.get("service")
        if target is None and len(node.args) > positions[name]:
            target = node.args[positions[name]]
        value = self.resolve(target, "service name")
        if value:
            self.facts.services.add(value)


def analyze(integration: Path) -> CodeFacts:
    """Collect the translation keys and services an integration's code uses."""
    facts = CodeFacts()
    modules = list(_modules(integration))
    for _, tree in modules:
        for node in tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        facts.constants.setdefault(target.id, value.value)
    for path, tree in modules:
        _Analyzer(facts, path, integration).visit(tree)
    return facts


def check_imports(integration: Path) -> list[str]:
    """The api module imports nothing from homeassistant; no integration imports another."""
    problems: list[str] = []
    others = {p.name for p in integration.parent.iterdir() if p.is_dir()} - {integration.name}
    for path, tree in _modules(integration):
        rel = path.relative_to(integration)
        in_api = rel.parts[0] in {"api", "api.py"}
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0 and node.module:
                    names = [node.module]
                elif node.level >= len(rel.parts) and node.module:
                    # A relative import that climbs out of the integration package.
                    names = [f"custom_components.{node.module}"]
            for module in names:
                top = module.split(".")
                if in_api and top[0] == "homeassistant":
                    problems.append(f"{rel}: the api client imports {module}")
                if (top[0] == "custom_components" and len(top) > 1 and top[1] in others) or (
                    top[0] in others
                ):
                    problems.append(f"{rel}: imports another integration ({module})")
    return problems


# --- translations, services, icons, quality scale ------------------------------------------


def _leaf_strings(data: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_strings(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, data


def check_translations(integration: Path) -> list[str]:
    """Every key the code uses has an English string, and no English string is unused."""
    problems: list[str] = []
    if (integration / "strings.json").exists():
        problems.append("strings.json: custom integrations ship translations/en.json only")
    en = _load_json(integration / "translations" / "en.json", problems)
    if not isinstance(en, dict):
        return problems or ["translations/en.json: not an object"]
    for key, value in _leaf_strings(en, ""):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"en.json: {key} is not a non-empty string")
        elif value != value.strip():
            problems.append(f"en.json: {key} has leading or trailing spaces")
        elif re.search(r"https?://", value):
            problems.append(f"en.json: {key} contains a URL (use a description placeholder)")
        for part in key.split("."):
            if not TRANSLATION_KEY_RE.match(part):
                problems.append(f"en.json: key {key!r} has characters outside [a-z0-9_-]")
                break
    facts = analyze(integration)
    problems.extend(f"cannot resolve {what} statically" for what in facts.unresolved)

    entity = en.get("entity", {})
    declared = {(p, k) for p, keys in entity.items() for k in keys}
    problems.extend(
        f"en.json: missing entity.{p}.{k}" for p, k in sorted(facts.entity_keys - declared)
    )
    problems.extend(
        f"en.json: unused entity.{p}.{k}" for p, k in sorted(declared - facts.entity_keys)
    )

    exceptions = en.get("exceptions", {})
    for key in sorted(facts.exception_keys):
        if not isinstance(exceptions.get(key), dict) or "message" not in exceptions[key]:
            problems.append(f"en.json: missing exceptions.{key}.message")
    problems.extend(
        f"en.json: unused exceptions.{key}"
        for key in sorted(set(exceptions) - facts.exception_keys)
    )

    issues = en.get("issues", {})
    for key in sorted(facts.issue_keys):
        if "title" not in issues.get(key, {}):
            problems.append(f"en.json: missing issues.{key}.title")
    problems.extend(
        f"en.json: unused issues.{key}" for key in sorted(set(issues) - facts.issue_keys)
    )

    for section, used in facts.flow.items():
        strings = en.get(section, {})
        for kind in ("step", "error", "abort"):
            have = set(strings.get(kind, {}))
            problems.extend(
                f"en.json: missing {section}.{kind}.{key}" for key in sorted(used[kind] - have)
            )
            unused = have - used[kind] - (IMPLICIT_ABORTS if kind == "abort" else set())
            problems.extend(f"en.json: unused {section}.{kind}.{key}" for key in sorted(unused))
        for step_id, step in strings.get("step", {}).items():
            extra = set(step.get("data_description", {})) - set(step.get("data", {}))
            problems.extend(
                f"en.json: {section}.step.{step_id}.data_description.{key} has no data.{key}"
                for key in sorted(extra)
            )

    services = en.get("services", {})
    for name in sorted(facts.services):
        if not {"name", "description"} <= set(services.get(name, {})):
            problems.append(f"en.json: missing services.{name}.name/description")
    problems.extend(
        f"en.json: unused services.{name}" for name in sorted(set(services) - facts.services)
    )
    return problems


def check_services(integration: Path) -> list[str]:
    """services.yaml describes exactly the registered actions, and their fields are translated."""
    problems: list[str] = []
    facts = analyze(integration)
    path = integration / "services.yaml"
    if not path.exists():
        return ["services.yaml: missing but actions are registered"] if facts.services else []
    described = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(described, dict):
        return ["services.yaml: not a mapping"]
    problems.extend(
        f"services.yaml: {name} is registered but not described"
        for name in sorted(facts.services - set(described))
    )
    problems.extend(
        f"services.yaml: {name} is described but not registered"
        for name in sorted(set(described) - facts.services)
    )
    en: dict[str, Any] = {}
    if (integration / "translations" / "en.json").exists():
        en = json.loads((integration / "translations" / "en.json").read_text(encoding="utf-8"))
    for name, spec in described.items():
        fields = (spec or {}).get("fields", {}) or {}
        translated = en.get("services", {}).get(name, {}).get("fields", {})
        for field_name in fields:
            if "name" not in translated.get(field_name, {}):
                problems.append(f"en.json: missing services.{name}.fields.{field_name}.name")
        problems.extend(
            f"en.json: services.{name}.fields.{field_name} is not in services.yaml"
            for field_name in sorted(set(translated) - set(fields))
        )
    return problems


def check_icons(integration: Path) -> list[str]:
    """icons.json has the schema HA reads and only names used keys."""
    path = integration / "icons.json"
    if not path.exists():
        return []
    problems: list[str] = []
    icons = _load_json(path, problems)
    if not isinstance(icons, dict):
        return problems or ["icons.json: not an object"]
    problems.extend(
        f"icons.json: unknown top-level key {key!r}"
        for key in sorted(set(icons) - {"entity", "services"})
    )
    facts = analyze(integration)

    def icon(value: Any, where: str) -> None:
        if not isinstance(value, str) or not MDI_RE.match(value):
            problems.append(f"icons.json: {where} is not an mdi: icon name")

    for platform, keys in icons.get("entity", {}).items():
        for key, spec in keys.items():
            where = f"entity.{platform}.{key}"
            if (platform, key) not in facts.entity_keys:
                problems.append(f"icons.json: {where} is not a translation_key the code uses")
            if not isinstance(spec, dict) or set(spec) - {"default", "state", "range"}:
                problems.append(f"icons.json: {where} must have only default/state/range")
                continue
            if "default" in spec:
                icon(spec["default"], f"{where}.default")
            for state, value in spec.get("state", {}).items():
                icon(value, f"{where}.state.{state}")
            for bound, value in spec.get("range", {}).items():
                icon(value, f"{where}.range.{bound}")
    for name, spec in icons.get("services", {}).items():
        if name not in facts.services:
            problems.append(f"icons.json: services.{name} is not a registered action")
        value = spec.get("service") if isinstance(spec, dict) else spec
        icon(value, f"services.{name}")
    return problems


def check_quality_scale(integration: Path) -> list[str]:
    """quality_scale.yaml uses valid rule ids and statuses; exemptions carry a comment."""
    path = integration / "quality_scale.yaml"
    if not path.exists():
        return ["quality_scale.yaml: missing"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        return ["quality_scale.yaml: needs a top-level 'rules' mapping"]
    problems: list[str] = []
    for rule, value in data["rules"].items():
        if rule not in QUALITY_RULES:
            problems.append(f"quality_scale.yaml: unknown rule {rule!r}")
        if isinstance(value, str):
            if value not in {"done", "todo"}:
                problems.append(f"quality_scale.yaml: {rule}: status {value!r} is not done/todo")
        elif isinstance(value, dict):
            status = value.get("status")
            if status not in {"done", "todo", "exempt"}:
                problems.append(f"quality_scale.yaml: {rule}: invalid status {status!r}")
            if status == "exempt" and not value.get("comment"):
                problems.append(f"quality_scale.yaml: {rule}: an exemption needs a comment")
            if set(value) - {"status", "comment"}:
                problems.append(f"quality_scale.yaml: {rule}: only status and comment allowed")
        else:
            problems.append(f"quality_scale.yaml: {rule}: invalid value")
    return problems


CHECKS = {
    "manifest": check_manifest,
    "imports": check_imports,
    "translations": check_translations,
    "services": check_services,
    "icons": check_icons,
    "quality_scale": check_quality_scale,
}


def check_all(integration: Path) -> list[str]:
    """Run every per-integration check."""
    return [problem for check in CHECKS.values() for problem in check(integration)]
