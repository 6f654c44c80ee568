"""The algorithms layer must stay pure: importing it never imports Django."""

import ast
import subprocess
import sys
from pathlib import Path

ALGORITHMS = Path(__file__).resolve().parents[2] / "analytics" / "algorithms"


def test_no_module_in_algorithms_imports_django():
    # given every module of the package
    offenders = []
    for module in sorted(ALGORITHMS.glob("*.py")):
        # when its imports are read
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{module.name}: {name}" for name in names if name.split(".")[0] == "django"]
    # then none is Django
    assert offenders == []


def test_importing_algorithms_in_a_fresh_interpreter_leaves_django_unloaded():
    code = "import sys, analytics.algorithms as a; a.mine_rules; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ALGORITHMS.parents[1], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
