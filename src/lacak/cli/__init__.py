"""Typer commands: parse, call a service, print."""
