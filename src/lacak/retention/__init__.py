"""Retention clean-up: delete old prompts and messages in small batches (off by default)."""
