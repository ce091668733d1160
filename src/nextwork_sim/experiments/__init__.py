"""Running scenarios and storing results: runner (replications), summary, storage."""
