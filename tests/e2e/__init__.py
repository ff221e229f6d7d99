"""End-to-end tests: a real `hass` process and the simulator, driven over HTTP."""
