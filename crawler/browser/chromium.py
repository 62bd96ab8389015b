"""Headless Debian chromium, driven by Playwright's async API: started once, kept alive across pages.

Starting the browser costs far more than loading a page in it, and rendering is a small share of
a crawl's pages (home and list pages), so the browser is started on the first page to render and
kept until the crawl ends; each page gets a fresh context (no cookies, storage or cache carried
from one page to the next), closed when its DOM has been read.

The browser has no way to the network of its own: every request is routed (``context.route``) to
the crawl's downloader by ``crawler.browser.router``; WebSockets, which routes do not see, are
answered by nobody; and as a last guard its proxy is a closed port, loopback included, so a
request that escaped routing would fail instead of leaving unguarded and unarchived.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

logger = logging.getLogger(__name__)

# As root, headless chromium needs --no-sandbox; the network flags keep it off the closed internet
# (the same as tests/test_browser.py).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--proxy-bypass-list=<-loopback>"]
# Port 9 (discard) on loopback: nothing listens there on these machines, so a request that is not
# routed fails at once. Routed requests never reach the proxy: they are fulfilled before it.
DEAD_PROXY = "http://127.0.0.1:9"


class ChromiumUnavailable(Exception):
    """Chromium is missing, or Playwright could not start it."""


class RenderFailed(Exception):
    """One page could not be rendered (it timed out, the browser crashed under it)."""


class Chromium:
    """One headless chromium for the crawl (``executable``: ARCHIVE_CHROMIUM)."""

    def __init__(self, executable: str, args: list[str] | None = None):
        self.executable = executable
        self.args = list(args or CHROMIUM_ARGS)
        self._lock = asyncio.Lock()
        self._playwright = None
        self._browser = None
        self.started_ms: float | None = None      # how long the start took (stats: render/start_ms)

    def missing(self) -> str | None:
        """Why chromium cannot be started here, found without starting it; None if it looks usable."""
        if not os.path.isfile(self.executable):
            return f"chromium not found at {self.executable}"
        if not os.access(self.executable, os.X_OK):
            return f"chromium at {self.executable} is not executable"
        try:
            import playwright.async_api  # noqa: F401
        except ImportError as exc:
            return f"Playwright is not installed ({exc})"
        return None

    async def start(self):
        """The browser, started if it is not running (again, if it crashed)."""
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            from playwright.async_api import Error, async_playwright

            began = time.perf_counter()
            try:
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.executable, args=self.args, proxy={"server": DEAD_PROXY})
            except Error as exc:
                raise ChromiumUnavailable(f"Playwright could not start chromium at {self.executable}: "
                                          f"{str(exc).splitlines()[0]}") from exc
            self.started_ms = (time.perf_counter() - began) * 1000
            logger.info("chromium started in %.0f ms (%s)", self.started_ms, self.executable)
            return self._browser

    async def render(self, url: str, router, settle: float) -> str:
        """The DOM of ``url`` once loaded and its requests have settled (none in flight for ``settle``
        seconds), serialised as HTML. ``router`` answers every request the page makes."""
        from playwright.async_api import Error

        browser = await self.start()
        try:
            context = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="block",
                                                viewport={"width": 1280, "height": 1024})
        except Error as exc:
            raise RenderFailed(f"the browser refused a new page: {str(exc).splitlines()[0]}") from exc
        try:
            await context.route("**/*", router.handle)
            await context.route_web_socket("**/*", _no_server)
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            await router.settled(settle)
            return await page.content()
        except Error as exc:
            raise RenderFailed(str(exc).splitlines()[0]) from exc
        finally:
            try:
                await context.close()
            except Error:
                pass                          # the browser went away with it

    async def close(self) -> None:
        from playwright.async_api import Error

        try:
            if self._browser is not None:
                await self._browser.close()
            if self._playwright is not None:
                await self._playwright.stop()
        except Error as exc:
            logger.warning("closing chromium: %s", exc)
        self._browser = self._playwright = None


def _no_server(websocket) -> None:
    """A WebSocket the page opens is connected to no server (routes do not see WebSockets)."""
