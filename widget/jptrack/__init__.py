"""jptrack: classify Japan Post international tracking text (CPython and Pyodide alike).

Data flow: stages.yaml → `catalog` (one validated model); a paste goes one way down
`parse` (text → dated lines) → `reading` (line → wording, action, place, country) →
`evidence` (→ the stages each line allows) → `journey` (time order, origin and destination,
one stage per event) → `classify` (the result) → `verdict` (is the silence normal?).
Standard library only, so the browser loads nothing but this package.
"""

__version__ = "0.1.0"
