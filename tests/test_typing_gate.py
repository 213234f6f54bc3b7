"""The type-checking gate (issue 11, item 8): every business-rule module (services, selectors, access)
is checked strictly by mypy, and none of them takes `Any` for the acting user, a cadre or a unit."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE_AND_UNITS = {"actor", "user", "cadre", "unit", "rater", "author", "voter", "leader"}


def _business_modules() -> dict[str, Path]:
    """Dotted name → file of every services, selectors and access module of the apps."""
    found = {}
    apps = [folder for folder in ROOT.iterdir() if (folder / "apps.py").exists()]
    for path in (path for app in apps for path in app.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        names = relative.with_suffix("").parts
        if not any(part in {"services", "selectors", "access"} or part.endswith("_selectors") for part in names):
            continue
        dotted = ".".join(names[:-1] if names[-1] == "__init__" else names)
        found[dotted] = path
    return found


def _strict_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    return {
        module
        for override in config["overrides"]
        if override.get("strict") and override.get("ignore_errors") is False
        for module in override["module"]
    }


def test_every_services_selectors_and_access_module_is_checked_strictly():
    modules = _business_modules()
    assert {"cadres.access", "evaluations.services.box", "selection.inspection_selectors"} <= modules.keys()
    assert sorted(modules.keys() - _strict_modules()) == []


def test_no_business_function_takes_any_for_a_user_cadre_or_unit():
    loose = []
    for dotted, path in _business_modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            for argument in arguments:
                if argument.arg not in PEOPLE_AND_UNITS:
                    continue
                annotation = ast.unparse(argument.annotation) if argument.annotation else ""
                if not annotation or "Any" in annotation.replace("|", " ").split():
                    loose.append(f"{dotted}.{node.name}({argument.arg}: {annotation or '?'})")
    assert loose == []
