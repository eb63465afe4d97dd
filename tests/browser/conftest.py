"""Browser tests: the app served by waitress on a free port, against a demo-like SQLite database built
here, driven by Playwright with Debian's chromium (``apt-get install chromium``; ``make test-deps``
installs it when root). Skipped, with the reason, when chromium or Playwright is missing.

Screenshots go to ``tests/browser/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None

if sync_playwright is None:
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "chromium is not installed (apt-get install -y chromium, or `make test-deps` as root)", allow_module_level=True
    )


class LiveServer:
    def __init__(self, app: Any) -> None:
        from waitress import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """(base URL, world ids) of a served app over a fresh demo-like database."""
    from fews import migrate
    from fews.config import load_config
    from fews.db import make_engine, make_session_factory
    from fews.runtime import Runtime
    from tests.web.pages_world import build_pages_world
    from web import create_app

    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'fews.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    config = load_config(instance_path=folder / "instance", database_url=url).with_(testing=True)
    runtime = Runtime(config, engine, make_session_factory(engine))
    world = build_pages_world(runtime, folder, issue_clinical=False)
    app = create_app(config)
    with LiveServer(app) as server:
        yield server.url, world.ids
    app.extensions["fews_engine"].dispose()
    runtime.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Pages in fresh contexts (own cookies); CSP errors in the console fail the test."""
    contexts: list[Any] = []
    csp_errors: list[str] = []

    def make(*, bypass_csp: bool = False, mobile: bool = False) -> Any:
        size = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        ctx = browser.new_context(viewport=size, bypass_csp=bypass_csp, is_mobile=mobile, has_touch=mobile)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on(
            "console",
            lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not csp_errors, f"CSP violations: {csp_errors}"


def sign_in(page: Any, base: str, username: str) -> None:
    from tests.web.conftest import PASSWORD

    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard")
