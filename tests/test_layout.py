"""The floors of the house: an app imports only the apps below it, and none imports config.

core ← ops ← cadres ← messaging ← achievements ← evaluations ← publicity ← selection ← supervision
← integrations ← manual. Where a lower app needs a higher one's data, the view asks the higher
app's selector or the higher app registers a provider (achievements/results.py); an import never
runs up a floor.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = (
    "core",
    "ops",
    "cadres",
    "messaging",
    "achievements",
    "evaluations",
    "publicity",
    "selection",
    "supervision",
    "integrations",
    "manual",
)


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute import in a module, at its top or inside a function (a lazy import counts)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(app: str, root: Path = ROOT) -> list[str]:
    below = set(FLOORS[: FLOORS.index(app)])
    forbidden = (set(FLOORS) - below - {app}) | {"config"}
    problems = []
    for path in sorted((root / app).rglob("*.py")):
        # Migrations are history; templates/ holds only the files makemessages writes while it runs.
        if "migrations" in path.parts or "templates" in path.parts:
            continue
        for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if module.split(".")[0] in forbidden:
                problems.append(f"{path.relative_to(root)}:{line} imports {module}")
    return problems


def test_no_app_imports_a_higher_floor_or_config():
    installed = [app for app in FLOORS if (ROOT / app).is_dir()]
    assert installed[:3] == ["core", "ops", "cadres"]
    problems = [problem for app in installed for problem in upward_imports(app)]
    assert problems == []


def test_the_check_sees_a_lazy_import_running_up_and_config(tmp_path):
    (tmp_path / "achievements" / "migrations").mkdir(parents=True)
    (tmp_path / "achievements" / "selectors.py").write_text(
        "from cadres.models import Cadre\nfrom core.ids import parse_id\n\n"
        "def results():\n    from evaluations.selectors import annual_results\n"
    )
    (tmp_path / "achievements" / "views.py").write_text("import config.settings\n")
    (tmp_path / "achievements" / "migrations" / "0002_data.py").write_text("import evaluations\n")
    assert upward_imports("achievements", root=tmp_path) == [
        "achievements/selectors.py:5 imports evaluations.selectors",
        "achievements/views.py:1 imports config.settings",
    ]


# Apps whose forms and selectors read and validate without calling their services: the input types
# they share with the services live in the app's inputs.py. Other apps join as they are split.
SERVICE_FREE = ("evaluations",)


def service_imports(app: str, root: Path = ROOT) -> list[str]:
    """Imports of the app's services from its forms or selectors (relative, absolute or lazy)."""
    problems = []
    for path in sorted((root / app).rglob("*.py")):
        parts = path.relative_to(root / app).parts
        if parts[0] not in ("forms.py", "forms", "selectors.py", "selectors"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                modules = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            if any("services" in module.split(".") for module in modules):
                problems.append(f"{path.relative_to(root)}:{node.lineno} imports services")
    return problems


def test_forms_and_selectors_do_not_import_services():
    assert [problem for app in SERVICE_FREE for problem in service_imports(app)] == []


def test_the_services_check_sees_every_spelling(tmp_path):
    (tmp_path / "evaluations" / "selectors").mkdir(parents=True)
    (tmp_path / "evaluations" / "forms.py").write_text("from .services.ballots import SheetInput\n")
    (tmp_path / "evaluations" / "selectors" / "sheets.py").write_text(
        "from .. import rules, services\n\ndef page():\n    import evaluations.services.scoring\n"
    )
    (tmp_path / "evaluations" / "views.py").write_text("from .services import ballots\n")
    assert service_imports("evaluations", root=tmp_path) == [
        "evaluations/forms.py:1 imports services",
        "evaluations/selectors/sheets.py:1 imports services",
        "evaluations/selectors/sheets.py:4 imports services",
    ]
