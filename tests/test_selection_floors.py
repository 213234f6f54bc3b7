"""Nothing below selection imports it: the lower apps learn of it only through registered providers."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOWER = ("cadres", "achievements", "evaluations", "publicity")


def test_no_lower_app_imports_selection():
    offenders = []
    for app in LOWER:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "selection"]
    assert offenders == []
