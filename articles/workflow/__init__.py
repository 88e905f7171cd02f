"""The editorial workflow: the table of moves, who may make them, readiness, mail."""
