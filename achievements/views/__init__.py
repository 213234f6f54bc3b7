"""Thin views of 晒实绩, one module per area; each parses input, asks `access`, calls a
service or selector, and renders."""
