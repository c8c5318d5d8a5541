"""The fault-injection tests reuse the tiny model and data of the model tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "models"))
sys.path.insert(0, str(Path(__file__).parent))
