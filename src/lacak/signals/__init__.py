"""Trading-signal tracking: prompts, signals, outcomes, statistics, legacy files."""
