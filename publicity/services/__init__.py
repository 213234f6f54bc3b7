"""Writes of 任前公示. Notices and their gate live in `notices`."""
