"""Scheduler: named jobs from each domain, cron triggers, run history, one runner per cluster."""
