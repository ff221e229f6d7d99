"""Tests of the repository."""
