"""solve's time limit, on its own so the command line can show the default without importing the solver."""
from __future__ import annotations

DEFAULT_TIME_LIMIT = 60.0  # seconds `solve` may spend before it reports what it has proved so far
