"""Debian's Chromium, driven by Playwright's async API on a private event-loop thread.

One `WebPlayerBrowser` is started once per use (a context manager) and may serve several clients
and threads at once: coroutines are submitted to its loop with `run()`. Playwright is imported
only when the browser starts. `process_browser()` is the one a process shares: launching Chromium
costs about a second, and each client works in a context of its own (own cookies and cache).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from track_assets.services.http import RequestCounters
from track_assets.services.spotify_web.models import SERVICE, SpotifyWebError
from track_assets.services.spotify_web.parsing import endpoint_label

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright

T = TypeVar("T")

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Needed as root and in a closed network (docs/facts.md#chromium-and-playwright).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


class BrowserUnavailable(SpotifyWebError):
    def __init__(self, executable: str, problem: str) -> None:
        super().__init__(
            f"Cannot start Chromium at {executable}: {problem}. Install Debian's Chromium "
            "(`apt-get install -y --no-install-recommends chromium`) or pass chromium_path."
        )


class WebPlayerBrowser:
    """A headless Chromium. `with WebPlayerBrowser() as browser:` starts it and always closes it."""

    def __init__(
        self,
        executable_path: str = DEFAULT_CHROMIUM,
        *,
        headless: bool = True,
        args: tuple[str, ...] = CHROMIUM_ARGS,
        launch_timeout: float = 30.0,
    ) -> None:
        self.executable_path = executable_path
        self._headless = headless
        self._args = args
        self._launch_timeout = launch_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = threading.Lock()
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> WebPlayerBrowser:
        with self._lock:
            if self._closed:
                raise RuntimeError("this browser was closed; start a new WebPlayerBrowser")
            if self._browser is not None:
                return self
            if not os.access(self.executable_path, os.X_OK):
                raise BrowserUnavailable(self.executable_path, "no such executable")
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=_run_loop, args=(loop,), name="spotify-web-chromium", daemon=True
            )
            thread.start()
            self._loop, self._thread = loop, thread
            try:
                self._submit(self._launch(), self._launch_timeout + 10)
            except BaseException:
                self._stop_locked()
                raise
        return self

    async def _launch(self) -> None:
        from playwright.async_api import Error, async_playwright

        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable_path,
                headless=self._headless,
                args=list(self._args),
                timeout=self._launch_timeout * 1000,
            )
        except Error as error:
            await self._playwright.stop()
            self._playwright = None
            raise BrowserUnavailable(self.executable_path, str(error).splitlines()[0]) from None

    def close(self) -> None:
        """Close the browser and its thread; safe to call repeatedly and after a failed start."""
        with self._lock:
            self._closed = True
            self._stop_locked()

    def _stop_locked(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            if loop.is_running():
                self._submit(self._shutdown(), 30)
        except Exception:  # the browser may be gone already; the loop is stopped regardless
            pass
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=30)
            if not thread.is_alive():
                loop.close()
            self._loop = self._thread = None

    async def _shutdown(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                await browser.close()
        finally:
            if playwright is not None:
                await playwright.stop()

    def __enter__(self) -> WebPlayerBrowser:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        """Started, not closed, and Chromium still connected."""
        browser = self._browser
        return browser is not None and browser.is_connected()

    # -- use ---------------------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the browser's loop from any thread and return its result."""
        if self._browser is None:
            coroutine.close()
            raise RuntimeError("the browser is not running; call start() or use `with`")
        return self._submit(coroutine, timeout)

    def _submit(self, coroutine: Coroutine[Any, Any, T], timeout: float | None) -> T:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    async def new_context(self, base_url: str, sp_dc: str | None) -> BrowserContext:
        """A fresh context (own cookies and cache), logged in when `sp_dc` is given."""
        assert self._browser is not None
        context = await self._browser.new_context(locale="en-US")
        if sp_dc:
            await context.add_cookies(
                [
                    {
                        "name": "sp_dc",
                        "value": sp_dc,
                        "url": base_url,
                        "httpOnly": True,
                        "sameSite": "Lax",
                    }
                ]
            )
        return context


_process_browsers: dict[tuple[int, str], WebPlayerBrowser] = {}
_process_browsers_lock = threading.Lock()


def process_browser(executable_path: str = DEFAULT_CHROMIUM) -> WebPlayerBrowser:
    """This process's running Chromium at `executable_path`: started on first use (again if it
    died), closed when the process exits. The key holds the pid, so a forked child starts its own."""
    key = (os.getpid(), executable_path)
    with _process_browsers_lock:
        browser = _process_browsers.get(key)
        if browser is None or not browser.running:
            if browser is not None:
                browser.close()
            elif not _process_browsers:
                atexit.register(_close_process_browsers)
            browser = WebPlayerBrowser(executable_path)
            _process_browsers[key] = browser
        return browser.start()


def _close_process_browsers() -> None:
    with _process_browsers_lock:
        mine = [key for key in _process_browsers if key[0] == os.getpid()]
        browsers = [_process_browsers.pop(key) for key in mine]
    for browser in browsers:
        browser.close()


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()


class WebPlayerSite:
    """One browser context on the web player's site for one client (its cookie, its pages).

    The browser is obtained lazily from `browser_factory` (so a client that is never asked
    anything starts no Chromium).
    """

    def __init__(
        self,
        browser_factory: Callable[[], WebPlayerBrowser],
        base_url: str,
        sp_dc: str | None,
        counters: RequestCounters,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.sp_dc = sp_dc
        self.counters = counters
        self._browser_factory = browser_factory
        self._browser: WebPlayerBrowser | None = None
        self._context: BrowserContext | None = None
        self._context_lock: asyncio.Lock | None = None
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def browser(self) -> WebPlayerBrowser:
        with self._lock:
            if self._browser is None:
                self._browser = self._browser_factory()
            return self._browser

    def run(
        self, work: Callable[[BrowserContext], Awaitable[T]], timeout: float | None = None
    ) -> T:
        """Run `work(context)` on the browser's loop (the context is made on first use)."""

        async def with_context() -> T:
            if self._context_lock is None:  # made on the loop, where no other thread runs
                self._context_lock = asyncio.Lock()
            async with self._context_lock:
                if self._context is None:
                    self._context = await self.browser.new_context(self.base_url, self.sp_dc)
            return await work(self._context)

        return self.browser.run(with_context(), timeout)

    async def new_page(self, context: BrowserContext) -> Page:
        """A page whose every request is counted (service "spotify_web")."""
        page = await context.new_page()
        count_page_requests(page, self.counters)
        return page

    def close(self) -> None:
        with self._lock:
            browser, context = self._browser, self._context
            self._context = None
        if browser is None or context is None:
            return
        # If the browser was closed first, the context is gone with it.
        with contextlib.suppress(Exception):
            browser.run(context.close(), 30)


def request_text(request: Any) -> str | None:
    """A pathfinder request's body as text, else None (other bodies may be binary: protobuf)."""
    if "/pathfinder/" not in request.url:
        return None
    try:
        return request.post_data
    except Exception:  # not UTF-8
        return None


def count_page_requests(page: Page, counters: RequestCounters) -> None:
    """Count what the page sends, as the session counts its own HTTP requests."""

    def answered(response: Any) -> None:
        request = response.request
        label = endpoint_label(request.method, request.url, request_text(request))
        counters.record(SERVICE, label, response.status)

    def failed(request: Any) -> None:
        label = endpoint_label(request.method, request.url, request_text(request))
        counters.record(SERVICE, label, f"error:{request.failure or 'failed'}")

    page.on("response", answered)
    page.on("requestfailed", failed)
