"""The README's Layout section names every module of the package (issue 18: the folder tree
in the README matches the code)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_is_in_the_readme_layout():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    layout = layout[: layout.index("\n## ", 4)] if "\n## " in layout[4:] else layout
    missing = []
    for path in sorted((ROOT / "termlint").rglob("*.py")):
        rel = path.relative_to(ROOT / "termlint")
        if path.name == "__init__.py" and len(rel.parts) > 1:
            continue  # a package's __init__ is named by its folder
        if rel.parts[0] in {"site", "schema", "_bundled"}:
            continue  # named as folders
        folder_named = len(rel.parts) == 1 or f"{rel.parts[0]}/" in layout
        if not folder_named or not re.search(rf"\b{re.escape(path.stem)}(\.py)?\b", layout):
            missing.append(str(rel))
    assert not missing, f"not in the README's Layout section: {missing}"
