"""The virtual environment the scikit-learn comparisons run in (shared by the compare scripts)."""

import os
import subprocess
import sys
from pathlib import Path


def ensure_sklearn(venv: Path, script: str) -> None:
    """Re-executes `script` inside `venv` (created on demand) unless scikit-learn imports."""
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
        return
    except ImportError:
        pass
    python = venv / "bin" / "python"
    if Path(sys.prefix).resolve() == venv.resolve():
        sys.exit("scikit-learn is missing from the virtual environment " + str(venv))
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "scikit-learn", "numpy"], check=True
    )
    os.execv(str(python), [str(python), script, *sys.argv[1:]])
