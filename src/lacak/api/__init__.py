"""Shared HTTP pieces: auth, errors, pagination, dependencies."""
