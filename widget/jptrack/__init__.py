"""jptrack: classify Japan Post international tracking text (CPython and Pyodide alike).

Data flow: stages.yaml → `catalog` (one validated model) → `parse` (pasted text → events)
→ `classify` (events → stages, current stage) → `verdict` (is the silence normal?).
Standard library only, so the browser loads nothing but this package.
"""

__version__ = "0.1.0"
