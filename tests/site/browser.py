"""Testing the built site in a real headless Chromium (Debian's, driven by Playwright's client).

`Browser` serves a folder on 127.0.0.1 with the standard library's HTTP server, records every
request the page makes, refuses (and records) any request to another host, records dialogs,
uncaught page errors and console errors, and can crawl every internal link of the site.
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (CI installs it with apt; see .ci/run)",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


class Browser:
    def __init__(self, site: Path):
        from playwright.sync_api import sync_playwright

        self.site = site
        handler = functools.partial(_Quiet, directory=str(site))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self._pw = sync_playwright().start()
        self._profile = tempfile.TemporaryDirectory()
        self.context = self._pw.chromium.launch_persistent_context(
            self._profile.name, executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1100, "height": 800},
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        self.page.on("console", self._console)

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.origin + "/") or url.startswith("file://") or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def open(self, path: str) -> None:
        self.page.goto(f"{self.origin}/{path}", wait_until="load")

    def pwned(self) -> bool:
        return self.page.evaluate("() => typeof window.__pwned !== 'undefined'")

    def references(self) -> list[str]:
        """Absolute URLs of every link, image, script and stylesheet of the open page (also the
        links inside inline SVG, whose `href` is not a string property)."""
        return self.page.evaluate(
            """() => {
                const out = [];
                const add = (v) => { if (v) out.push(new URL(v, document.baseURI).href); };
                document.querySelectorAll('a[href]').forEach(a => add(a.getAttribute('href')));
                document.querySelectorAll('img[src], script[src]').forEach(e => add(e.getAttribute('src')));
                document.querySelectorAll('link[href]').forEach(e => add(e.getAttribute('href')));
                return out;
            }"""
        )

    def status(self, url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    def crawl(self, start: str = "index.html", limit: int = 2000) -> tuple[list[str], list[tuple[str, str]]]:
        """Visit every page reachable from `start`; return the pages visited and the (page, url)
        pairs of internal references that did not answer 200."""
        queue = [f"{self.origin}/{start}"]
        seen = set(queue)
        checked: dict[str, int] = {}
        visited, broken = [], []
        while queue and len(visited) < limit:
            url = queue.pop(0)
            self.page.goto(url, wait_until="load")
            visited.append(url)
            for ref in self.references():
                if not ref.startswith(self.origin + "/"):
                    continue
                target = urllib.parse.urldefrag(ref)[0]
                if target not in checked:
                    checked[target] = self.status(target)
                if checked[target] != 200:
                    broken.append((url, ref))
                    continue
                path = urllib.parse.urlparse(target).path
                if path.endswith(".html") and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return visited, broken

    def close(self) -> None:
        self.context.close()
        self._pw.stop()
        self._profile.cleanup()
        self.server.shutdown()
        self.server.server_close()
