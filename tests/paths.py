"""Places the tests read from, named once."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The sample explainer exactly as it arrived: in the steering repository's shared/ folder beside
# this one (CI has it; a fresh clone may not, and the tests that need it skip).
SAMPLE = REPO.parent / "shared" / "samples" / "explainer-nxivm-mack.txt"
