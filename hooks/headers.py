"""The HTTP headers the site needs, published as `_headers` (the format Netlify and
Cloudflare Pages read) so a host that reads one serves them without configuration.

The Content-Security-Policy here is the site's one policy: tests/browser/test_csp.py serves
the built site with the headers from this file and checks every kind of page under them,
and the README quotes it (a test keeps the two equal).
"""

from __future__ import annotations

from pathlib import Path

# Everything from the site itself; Pyodide needs 'wasm-unsafe-eval' (not 'unsafe-eval');
# Material sets inline styles and uses data: icons; nothing may frame the site but itself.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")

# Files that never change under their names: Pyodide's versioned folder, and the
# content-hashed checker assets, search-worker wrapper and shared-link script.
IMMUTABLE = ("/assets/pyodide/*", "/assets/checker/*", "/assets/javascripts/workers/search-after-checker-*",
             "/assets/javascripts/case-*")


def render_headers() -> str:
    lines = ["/*", f"  Content-Security-Policy: {CSP}", "  X-Content-Type-Options: nosniff",
             "  Referrer-Policy: strict-origin-when-cross-origin"]
    for pattern in IMMUTABLE:
        lines += [pattern, "  Cache-Control: public, max-age=31536000, immutable"]
    return "\n".join(lines) + "\n"


def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """`_headers` text → {path pattern: {header: value}} (for tests and hosts' previews)."""
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        elif line.strip() and current is not None:
            name, _, value = line.strip().partition(":")
            current[name.strip()] = value.strip()
    return rules


# Write _headers at the site's root, after the build (the English one: the others are
# folders under it, and their paths are covered by its rules).
def on_post_build(*, config) -> None:
    if config.extra.get("language", "en") == "en":
        (Path(config.site_dir) / "_headers").write_text(render_headers(), encoding="utf-8")
