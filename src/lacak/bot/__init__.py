"""Telegram admin bot: admin gate, commands over the shared services, error reporting."""
