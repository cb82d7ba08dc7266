"""The layers import downwards only: ingest <- service <- ui, eval <- newsdesk (the composition root)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each package may not import (at any depth, lazily or not).
FORBIDDEN = {
    "ingest": {"service", "ui", "eval", "newsdesk"},
    "service": {"ui", "eval", "newsdesk"},
    "ui": {"eval", "newsdesk"},
    "eval": {"ui", "newsdesk"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages ``path`` imports at run time; ``if TYPE_CHECKING:`` imports are annotations."""
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for statement in node.body
        for inner in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_a_layer_above_it(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_api_does_not_import_the_ui():
    # The chat is mounted by newsdesk.app, handed to service.api as a Frontend.
    for path in (ROOT / "service" / "api").rglob("*.py"):
        assert "ui" not in imported_packages(path), path


def test_importing_the_settings_changes_no_environment_variable():
    probe = (
        "import os; before = dict(os.environ); import service.settings; "
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"HF_HUB_OFFLINE", "GRADIO_ANALYTICS_ENABLED"}}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
