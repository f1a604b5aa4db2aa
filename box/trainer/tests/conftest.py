import sys
from pathlib import Path

# The package is used from its folder on the box (PYTHONPATH=box/trainer), so tests import it the same way.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
