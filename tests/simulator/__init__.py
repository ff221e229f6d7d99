"""Tests of the simulator core and vendors."""
