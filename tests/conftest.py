"""Shared fixtures: the real catalog, one strict build of the site, a local server, a browser.

The site is built once per test session into a temp dir (strict mode, so any warning
fails) and served on 127.0.0.1 with the MIME types a static host must send. Browser
tests drive Debian's Chromium through Playwright; `make test` installs it, and under CI
a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import functools
import json
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "widget"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from jptrack import catalog as catalog_module  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def catalog() -> catalog_module.Catalog:
    return catalog_module.load(ROOT / "stages.yaml")


def build_site(site_dir: Path, config_file: Path = ROOT / "mkdocs.yml", languages: list[str] | None = None,
               **overrides) -> Path:
    """Strict MkDocs builds of the real config into site_dir (raises on any warning), one per
    language as `make build` runs them (extra.languages of mkdocs.yml, English first)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    before = os.environ.get("SITE_LANG")
    try:
        for lang in languages or built_languages(config_file):
            os.environ["SITE_LANG"] = lang
            build(load_config(str(config_file), strict=True, site_dir=str(site_dir), **overrides))
    finally:
        if before is None:
            os.environ.pop("SITE_LANG", None)
        else:
            os.environ["SITE_LANG"] = before
    return site_dir


def built_languages(config_file: Path = ROOT / "mkdocs.yml") -> list[str]:
    """The languages that checkout builds, from its own hooks/languages.py (run apart, so an
    older checkout's hooks never mix with these); English alone before there were others."""
    script = Path(config_file).parent / "hooks" / "languages.py"
    if not script.is_file():
        return ["en"]
    out = subprocess.run([sys.executable, str(script)], cwd=script.parent.parent, capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


def page_assets(page_html) -> dict:
    """The checker's asset list in a built page (hooks/_assets.py page_json): in <head> and
    in the widget's data-jptrack-assets, the same both times."""
    import re

    import html

    text = Path(page_html).read_text(encoding="utf-8")
    head = re.findall(r'<script type="application/json" data-jptrack-assets>(.*?)</script>', text, re.DOTALL)
    widget = [html.unescape(a) for a in re.findall(r'<div [^>]*data-jptrack-widget[^>]*data-jptrack-assets="([^"]*)"',
                                                    text)]
    assert len(head) == len(widget) == 1 and json.loads(head[0]) == json.loads(widget[0]), \
        f"{page_html}: {len(head)} asset lists in <head>, {len(widget)} in the widget, expected the same one each"
    return json.loads(head[0])


def hook_module(name: str):
    """One of hooks/_*.py (the checker's build modules), imported as the hooks import it."""
    import importlib

    checker_hook()   # puts hooks/ on sys.path, as MkDocs does
    return importlib.import_module(name)


def checker_hook():
    """hooks/checker.py, imported the way MkDocs does (its folder on sys.path)."""
    import importlib.util

    if "jptrack_checker_hook" in sys.modules:
        return sys.modules["jptrack_checker_hook"]
    sys.path.insert(0, str(ROOT / "hooks"))
    spec = importlib.util.spec_from_file_location("jptrack_checker_hook", ROOT / "hooks" / "checker.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def emulate_network(context, page, conditions: dict) -> None:
    """Chromium's network emulation for one page (and its workers), through CDP:
    conditions as Network.emulateNetworkConditions takes them (latency ms, bytes/s)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_address() -> str:
    """Where the shared site will be served. It is built for this address, because Material's
    instant navigation only intercepts links whose origin matches site_url's (sitemap.xml)."""
    return f"http://127.0.0.1:{free_port()}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_address) -> Path:
    return build_site(tmp_path_factory.mktemp("site"), site_url=site_address)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: correct MIME types, optional extra headers, no request logging."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
        ".json": "application/json", ".zip": "application/zip",
    }
    extra_headers: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Browsers drop responses they no longer need (the checker cancels Pyodide's own
        # wasm download once it has compiled its copy): not an error worth a traceback.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def serve(directory: Path, headers: dict[str, str] | None = None, port: int = 0,
          host: type[SiteHandler] = SiteHandler):
    """Serve directory on loopback (a free port unless given) in a thread; returns (base_url, server).
    host: a SiteHandler subclass, for a test that needs a host with its own ways."""
    handler = type("Handler", (host,), {"extra_headers": dict(headers or {})})
    server = SiteServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def site_url(built_site, site_address):
    url, server = serve(built_site, port=int(site_address.rstrip("/").rsplit(":", 1)[1]))
    yield url
    server.shutdown()


def _browser_missing() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    return f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)"


@pytest.fixture(scope="session")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives each launch a fresh temporary profile (user-data dir).
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def pytest_collection_modifyitems(config, items):
    # Browser tests are marked by living under tests/browser/.
    for item in items:
        if "browser" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)


__all__ = ["ROOT", "build_site", "serve", "CHROMIUM", "CHROMIUM_ARGS"]
