"""Run the repository checks over every integration, and prove they catch broken copies."""

from __future__ import annotations

import json
from pathlib import Path
import shutil

import pytest

from . import repo_checks

ROOT = Path(__file__).resolve().parents[2]
INTEGRATIONS = repo_checks.integrations(ROOT)

SAMPLE_FILES: dict[str, str] = {
    "manifest.json": json.dumps(
        {
            "domain": "sample",
            "name": "Sample",
            "categories": ["energy.ev_charging"],
            "codeowners": ["@someone"],
            "config_flow": True,
            "connectivity": ["cloud"],
            "documentation": "https://example.org/docs/sample.md",
            "integration_type": "hub",
            "iot_class": "cloud_polling",
            "issue_tracker": "https://example.org/issues",
            "requirements": [],
            "version": "1.0.0",
        },
        indent=2,
    ),
    "const.py": 'DOMAIN = "sample"\nSERVICE_PING = "ping"\nERROR_AUTH = "invalid_auth"\n',
    "api.py": "import aiohttp\n",
    "__init__.py": (
        "from homeassistant.exceptions import ServiceValidationError\n"
        "from .const import DOMAIN, SERVICE_PING\n"
        "async def async_setup(hass, config):\n"
        "    hass.services.async_register(DOMAIN, SERVICE_PING, None)\n"
        "    return True\n"
        "def fail():\n"
        "    raise ServiceValidationError(translation_domain=DOMAIN, translation_key='no_entry')\n"
    ),
    "config_flow.py": (
        "from homeassistant.config_entries import ConfigFlow, OptionsFlow\n"
        "from .const import ERROR_AUTH\n"
        "class Flow(ConfigFlow):\n"
        "    async def async_step_user(self, user_input=None):\n"
        "        errors = {}\n"
        "        errors['base'] = ERROR_AUTH\n"
        "        self._abort_if_unique_id_configured()\n"
        "        return self.async_show_form(step_id='user', errors=errors)\n"
        "    async def async_step_reauth_confirm(self, user_input=None):\n"
        "        self._abort_if_unique_id_mismatch(reason='wrong_account')\n"
        "        if user_input is None:\n"
        "            return self.async_show_form(step_id='reauth_confirm')\n"
        "        return self.async_update_reload_and_abort(None)\n"
        "class Options(OptionsFlow):\n"
        "    async def async_step_init(self, user_input=None):\n"
        "        return self.async_show_form(step_id='init', errors={'base': 'bad_interval'})\n"
    ),
    "sensor.py": (
        "from homeassistant.components.sensor import SensorEntityDescription\n"
        "PARALLEL_UPDATES = 0\n"
        "SENSORS = (SensorEntityDescription(key='power', translation_key='power'),)\n"
    ),
    "services.yaml": "ping:\n  fields:\n    target:\n      required: true\n",
    "icons.json": json.dumps(
        {
            "entity": {"sensor": {"power": {"default": "mdi:flash"}}},
            "services": {"ping": {"service": "mdi:bell"}},
        }
    ),
    "quality_scale.yaml": (
        "rules:\n  config-flow: done\n  discovery:\n    status: exempt\n"
        "    comment: Cloud only.\n  strict-typing: todo\n"
    ),
    "translations/en.json": json.dumps(
        {
            "config": {
                "step": {
                    "user": {
                        "data": {"email": "Email"},
                        "data_description": {"email": "Your account"},
                    },
                    "reauth_confirm": {"data": {"password": "Password"}},
                },
                "error": {"invalid_auth": "Invalid authentication"},
                "abort": {
                    "already_configured": "Already configured",
                    "wrong_account": "Wrong account",
                    "reauth_successful": "Done",
                },
            },
            "options": {
                "step": {"init": {"data": {"interval": "Interval"}}},
                "error": {"bad_interval": "Bad interval"},
            },
            "entity": {"sensor": {"power": {"name": "Power"}}},
            "exceptions": {"no_entry": {"message": "No such entry"}},
            "services": {
                "ping": {
                    "name": "Ping",
                    "description": "Pings",
                    "fields": {"target": {"name": "Target", "description": "What"}},
                }
            },
        }
    ),
}


def make_sample(tmp_path: Path) -> Path:
    """Write a small, valid integration into tmp_path/custom_components/sample."""
    integration = tmp_path / "custom_components" / "sample"
    for name, text in SAMPLE_FILES.items():
        path = integration / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return integration


def edit_json(path: Path, change: object) -> None:
    data = json.loads(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("check", sorted(repo_checks.CHECKS))
@pytest.mark.parametrize("integration", INTEGRATIONS, ids=lambda p: p.name)
def test_integration_passes(integration: Path, check: str) -> None:
    """Every integration in the tree passes every check."""
    assert repo_checks.CHECKS[check](integration) == []


def test_root_hacs_json() -> None:
    assert repo_checks.check_hacs_json(ROOT / "hacs.json") == []


def test_sample_integration_passes(tmp_path: Path) -> None:
    """The checks accept a correct integration (so the failures below are meaningful)."""
    assert repo_checks.check_all(make_sample(tmp_path)) == []


def test_broken_manifest_is_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    manifest = integration / "manifest.json"
    data = json.loads(manifest.read_text())
    data = {"name": data.pop("name"), **data}  # name before domain
    del data["version"]
    data["iot_class"] = "cloud"
    data["documentation"] = "http://example.org"
    manifest.write_text(json.dumps(data))
    problems = repo_checks.check_manifest(integration)
    assert "manifest.json: keys are not sorted correctly: domain, name, then alphabetical" in (
        problems
    )
    assert "manifest.json: missing version" in problems
    assert "manifest.json: unknown iot_class 'cloud'" in problems
    assert "manifest.json: documentation must be an https URL" in problems
    manifest.write_text("{not json")
    assert repo_checks.check_manifest(integration)[0].startswith("manifest.json: invalid JSON")


def test_manifest_details_are_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)

    def change(data: dict) -> None:
        data["domain"] = "other"
        data["version"] = "not a version!"
        data["integration_type"] = "gadget"
        data["codeowners"] = "@me"
        data["config_flow"] = False
        data["categories"] = ["Energy / EV"]
        data["connectivity"] = ["pigeon"]

    edit_json(integration / "manifest.json", change)
    (integration / "config_flow.py").unlink()
    problems = repo_checks.check_manifest(integration)
    assert "manifest.json: domain does not match the directory name" in problems
    assert "manifest.json: version 'not a version!' is not a valid version" in problems
    assert "manifest.json: unknown integration_type 'gadget'" in problems
    assert "manifest.json: codeowners must be a list" in problems
    assert "manifest.json: config_flow must be true (UI setup is required)" in problems
    assert "manifest.json: categories must be a list of known values" in problems
    assert "manifest.json: connectivity must be a list of known values" in problems


def test_missing_and_unused_translations_are_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)

    def change(data: dict) -> None:
        del data["entity"]["sensor"]["power"]
        data["entity"]["sensor"]["ghost"] = {"name": "Ghost"}
        del data["exceptions"]["no_entry"]
        data["exceptions"]["never_raised"] = {"message": "x"}
        del data["config"]["error"]["invalid_auth"]
        data["config"]["error"]["stale"] = "Stale"
        del data["config"]["abort"]["wrong_account"]
        del data["options"]["error"]["bad_interval"]
        del data["services"]["ping"]
        data["config"]["step"]["user"]["data_description"]["host"] = "Host"
        data["config"]["step"]["user"]["title"] = " padded "

    edit_json(integration / "translations" / "en.json", change)
    problems = repo_checks.check_translations(integration)
    for expected in (
        "en.json: missing entity.sensor.power",
        "en.json: unused entity.sensor.ghost",
        "en.json: missing exceptions.no_entry.message",
        "en.json: unused exceptions.never_raised",
        "en.json: missing config.error.invalid_auth",
        "en.json: unused config.error.stale",
        "en.json: missing config.abort.wrong_account",
        "en.json: missing options.error.bad_interval",
        "en.json: missing services.ping.name/description",
        "en.json: config.step.user.data_description.host has no data.host",
        "en.json: config.step.user.title has leading or trailing spaces",
    ):
        assert expected in problems
    assert "en.json: missing services.ping.fields.target.name" in repo_checks.check_services(
        integration
    )


def test_strings_json_and_missing_en_json_are_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    (integration / "strings.json").write_text("{}")
    (integration / "translations" / "en.json").unlink()
    problems = repo_checks.check_translations(integration)
    assert "strings.json: custom integrations ship translations/en.json only" in problems
    assert "en.json: missing" in problems


def test_unresolvable_translation_key_is_reported(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    with (integration / "sensor.py").open("a") as file:
        file.write("OTHER = SensorEntityDescription(key='x', translation_key=compute())\n")
    problems = repo_checks.check_translations(integration)
    assert any("cannot resolve entity translation_key" in p for p in problems)


def test_services_yaml_mismatch_is_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    (integration / "services.yaml").write_text("pong:\n  fields: {}\n")
    problems = repo_checks.check_services(integration)
    assert "services.yaml: ping is registered but not described" in problems
    assert "services.yaml: pong is described but not registered" in problems
    (integration / "services.yaml").unlink()
    assert repo_checks.check_services(integration) == [
        "services.yaml: missing but actions are registered"
    ]


def test_bad_icons_are_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    (integration / "icons.json").write_text(
        json.dumps(
            {
                "entity": {"sensor": {"power": {"default": "flash"}, "ghost": {"icon": "x"}}},
                "services": {"pong": "mdi:bell"},
                "colors": {},
            }
        )
    )
    problems = repo_checks.check_icons(integration)
    assert "icons.json: entity.sensor.power.default is not an mdi: icon name" in problems
    assert "icons.json: entity.sensor.ghost is not a translation_key the code uses" in problems
    assert "icons.json: services.pong is not a registered action" in problems
    assert "icons.json: unknown top-level key 'colors'" in problems


def test_bad_quality_scale_is_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    (integration / "quality_scale.yaml").write_text(
        "rules:\n  config_flow: done\n  brands: maybe\n  discovery:\n    status: exempt\n"
    )
    problems = repo_checks.check_quality_scale(integration)
    assert "quality_scale.yaml: unknown rule 'config_flow'" in problems
    assert "quality_scale.yaml: brands: status 'maybe' is not done/todo" in problems
    assert "quality_scale.yaml: discovery: an exemption needs a comment" in problems


def test_forbidden_imports_are_caught(tmp_path: Path) -> None:
    integration = make_sample(tmp_path)
    (tmp_path / "custom_components" / "other").mkdir()
    (integration / "api.py").write_text("from homeassistant.core import HomeAssistant\n")
    (integration / "helpers.py").write_text(
        "from custom_components.other import x\nfrom ..other import y\n"
    )
    problems = repo_checks.check_imports(integration)
    assert "api.py: the api client imports homeassistant.core" in problems
    assert "helpers.py: imports another integration (custom_components.other)" in problems
    assert len([p for p in problems if "imports another integration" in p]) == 2


def test_bad_hacs_json_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "hacs.json"
    path.write_text(json.dumps({"domains": ["x"], "zip_release": True}))
    assert repo_checks.check_hacs_json(path) == [
        "hacs.json: unknown key 'domains'",
        "hacs.json: name is required",
        "hacs.json: zip_release is true but filename is not set",
    ]


@pytest.mark.parametrize("integration", INTEGRATIONS, ids=lambda p: p.name)
def test_broken_copy_of_real_integration_is_caught(integration: Path, tmp_path: Path) -> None:
    """A real integration with a shuffled manifest and a dropped string fails the checks."""
    copy = tmp_path / "custom_components" / integration.name
    shutil.copytree(integration, copy, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = json.loads((copy / "manifest.json").read_text())
    (copy / "manifest.json").write_text(json.dumps(dict(reversed(manifest.items()))))
    assert "manifest.json: keys are not sorted correctly: domain, name, then alphabetical" in (
        repo_checks.check_manifest(copy)
    )
    en_path = copy / "translations" / "en.json"
    en = json.loads(en_path.read_text())
    dropped = min(en["config"]["error"])
    del en["config"]["error"][dropped]
    en_path.write_text(json.dumps(en))
    assert f"en.json: missing config.error.{dropped}" in repo_checks.check_translations(copy)


def test_describe_error_keys_are_checked(tmp_path: Path) -> None:
    """Keys that describe_error returns need messages; the key it passes on is not unresolved."""
    integration = make_sample(tmp_path)
    (integration / "coordinator.py").write_text(
        "def describe_error(err):\n"
        "    if err:\n"
        "        return ('no_entry', {})\n"
        "    return ('charger_away', {'error': str(err)})\n"
        "\n"
        "def update_error(err):\n"
        "    key, placeholders = describe_error(err)\n"
        "    return UpdateFailed(translation_domain='sample', translation_key=key)\n"
    )
    problems = repo_checks.check_translations(integration)
    assert "en.json: missing exceptions.charger_away.message" in problems
    assert "en.json: unused exceptions.no_entry" not in problems
    assert not any("cannot resolve" in p for p in problems), problems
