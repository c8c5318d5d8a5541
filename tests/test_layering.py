"""Imports follow the package map of docs/architecture.md: no package imports one that imports it."""
import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "audiodear"
BASE = {"errors", "choices", "utils", "__version__"}  # every package may use these (and the config schema)
ALLOWED = {
    "utils": BASE,
    "config": BASE,
    "audio": BASE | {"config"},
    "data": BASE | {"config", "audio"},
    "text": BASE | {"config", "audio", "data"},
    "models": BASE | {"config", "losses"},
    "losses": BASE,
    "train": BASE | {"config", "audio", "text", "models", "losses"},
    "sampling": BASE | {"config", "audio", "text", "models"},
    "eval": BASE | {"config", "layout", "audio", "data", "text"},
    "report": BASE | {"config", "layout", "eval", "sampling"},
    "subjective": BASE | {"config", "audio", "data", "report"},
    "layout": BASE,
}


def _imports(path: Path) -> set[tuple[str, ...]]:
    """Modules of the project that ``path`` imports, as parts below ``audiodear``."""
    rel = path.relative_to(SRC).parts
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            here = list(rel[:-1])[: len(rel) - node.level] if node.level > 1 else list(rel[:-1])
            mod = node.module.split(".") if node.module else [node.names[0].name]
            out.add(tuple(here + mod))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("audiodear."):
            out.add(tuple(node.module.split(".")[1:]))
    return out


def test_packages_import_only_what_lies_above_them():
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        package = path.relative_to(SRC).parts[0].removesuffix(".py")
        if package not in ALLOWED:
            continue  # the entry points (jobs, plan, cli) sit on top
        for target in _imports(path):
            name = target[0].removesuffix(".py")
            if name != package and name not in ALLOWED[package]:
                bad.append(f"{path.relative_to(SRC)} imports {'.'.join(target)}")
    assert not bad, "\n".join(bad)


def test_backbone_interface_imports_no_backbone():
    siblings = {p.stem for p in (SRC / "eval" / "backbones").glob("*.py")} - {"base"}
    imported = {t[-1] for t in _imports(SRC / "eval" / "backbones" / "base.py")}
    assert not imported & siblings
