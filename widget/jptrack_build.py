"""Wheel build step (pyproject.toml [tool.setuptools.cmdclass]): ship the catalog as
package data, built from stages.yaml through the same validation as the site, so an
installed `jptrack` reads jptrack/stages.json with importlib.resources and needs no PyYAML.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent.parent


class BuildPyWithCatalog(build_py):
    def run(self):
        super().run()
        sys.path.insert(0, str(ROOT / "widget"))
        try:
            from jptrack.catalog import load
        finally:
            sys.path.pop(0)
        target = Path(self.build_lib) / "jptrack" / "stages.json"
        target.write_text(load(ROOT / "stages.yaml").to_json(), encoding="utf-8")
