"""``python -m nextwork_sim.staffing [docs/staffing.md]``: regenerate the settings tables of
docs/staffing.md from the models' ``Settings`` classes (tests/test_settings.py compares)."""

import sys
from pathlib import Path

from . import staffing_doc_with_tables

path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/staffing.md")
path.write_text(staffing_doc_with_tables(path.read_text()))
