"""`SandboxServer`: every emulator on its own loopback port plus the admin endpoint, in-process."""

from __future__ import annotations

import os
import random
import secrets
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from track_assets.sandbox.admin import build_admin_app
from track_assets.sandbox.clock import SandboxClock
from track_assets.sandbox.context import EmulatorSpec, SandboxContext
from track_assets.sandbox.counters import Counters
from track_assets.sandbox.credentials import issue_credentials
from track_assets.sandbox.faults import FaultConfig, FaultInjector, FaultMiddleware
from track_assets.sandbox.hosting import LoopbackHost
from track_assets.sandbox.options import ADMIN, SandboxOptions
from track_assets.sandbox.probes import probe_ids
from track_assets.sandbox.rate_limits import ServiceLimits
from track_assets.sandbox.request_counting import CountingMiddleware
from track_assets.sandbox.runtime_file import (
    SandboxRuntime,
    ServiceRuntime,
    remove_runtime_file,
    runtime_file_path,
    write_runtime_file,
)


class SandboxServer:
    """Start with `start()` (or `with SandboxServer(...) as sandbox:`), stop with `stop()`.

    `runtime_dir` (a DAGSTER_HOME) gets the runtime file at start; it is removed at stop.
    """

    def __init__(
        self,
        emulators: Sequence[EmulatorSpec],
        catalog: Any = None,
        options: SandboxOptions | None = None,
        *,
        runtime_dir: Path | str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        names = [spec.name for spec in emulators]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"emulator names must be unique; repeated: {', '.join(duplicates)}")
        if ADMIN in names:
            raise ValueError(f"{ADMIN!r} is reserved for the admin endpoint")
        self.options = options or SandboxOptions()
        self.options.check_services(names)
        self._specs = list(emulators)
        self.catalog = catalog
        self.seed = self.options.seed if self.options.seed is not None else secrets.randbits(48)
        self.clock = SandboxClock.from_environ(
            os.environ if environ is None else environ, self.options.date
        )
        self.counters = Counters(names)
        self._runtime_dir = Path(runtime_dir) if runtime_dir is not None else None
        self._contexts: dict[str, SandboxContext] = {}
        self._host: LoopbackHost | None = None
        self._runtime: SandboxRuntime | None = None
        self._lock = threading.Lock()
        self._state = "new"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> dict[str, str]:
        """Bind, build every emulator, serve; returns base URLs by service name and "admin"."""
        with self._lock:
            if self._state != "new":
                raise RuntimeError(f"this sandbox was already started (state: {self._state})")
            self._state = "starting"
        host = LoopbackHost()
        self._host = host
        try:
            self._start_on(host)
        except BaseException:
            self.stop()
            raise
        with self._lock:
            self._state = "running"
        return {
            **{name: ctx.base_url for name, ctx in self._contexts.items()},
            ADMIN: self.admin_url,
        }

    def stop(self) -> None:
        """Stop all servers and remove the runtime file (if ours). Safe to call repeatedly."""
        with self._lock:
            if self._state in ("new", "stopped"):
                self._state = "stopped"
                return
            self._state = "stopped"
        if self._host is not None:
            self._host.stop()
        if self._runtime_dir is not None and self._runtime is not None:
            remove_runtime_file(self._runtime_dir, self._runtime.pid)

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _start_on(self, host: LoopbackHost) -> None:
        options = self.options
        for spec in self._specs:
            host.bind(spec.name, options.ports.get(spec.name, 0))
        host.bind(ADMIN, options.ports.get(ADMIN, 0))
        for spec in self._specs:
            context = self._context_for(spec, host)
            app = spec.app_factory(context)
            unused = context.limits.unused_overrides()
            if unused:
                declared = ", ".join(context.limits) or "none"
                raise ValueError(
                    f"limits.{spec.name} names limiter(s) {', '.join(unused)} that the emulator "
                    f"does not declare; declared: {declared}"
                )
            self._contexts[spec.name] = context
            stack = CountingMiddleware(
                FaultMiddleware(app, context.faults, host.stop_signal),
                routes_app=app,
                counters=context.counters,
                labeler=spec.endpoint_label,
            )
            host.attach(spec.name, stack)
        admin = build_admin_app(
            self._contexts, self.clock, self.counters, self.describe, probe_ids(self.catalog)
        )
        host.attach(ADMIN, admin)
        host.start()
        self._runtime = SandboxRuntime(
            services={
                name: ServiceRuntime(dict(ctx.urls), dict(ctx.credentials))
                for name, ctx in self._contexts.items()
            },
            admin=host.url(ADMIN),
            pid=os.getpid(),
            started_at=datetime.now(UTC),
        )
        if self._runtime_dir is not None:
            write_runtime_file(self._runtime_dir, self._runtime)

    def _context_for(self, spec: EmulatorSpec, host: LoopbackHost) -> SandboxContext:
        name = spec.name
        base_url = host.url(name)
        counters = self.counters[name]
        injector = FaultInjector(
            name,
            renderer=spec.error_renderer,
            seed=f"{self.seed}:{name}:faults",
            config=FaultConfig().updated(self.options.faults.get(name, {}), where=f"faults.{name}"),
            counters=counters,
        )
        limits = ServiceLimits(
            name,
            clock=self.clock,
            counters=counters,
            default_mode=self.options.rate_limits,
            overrides=self.options.limits.get(name),
        )
        return SandboxContext(
            service=name,
            base_url=base_url,
            urls={key: base_url for key in spec.url_keys},
            catalog=self.catalog,
            clock=self.clock,
            counters=counters,
            limits=limits,
            faults=injector,
            settings=self.options.service_settings(name),
            credentials=issue_credentials(
                name, random.Random(f"{self.seed}:{name}:credentials"), spec.credentials
            ),
            rng=random.Random(f"{self.seed}:{name}:emulator"),
            stop=host.stop_signal,
        )

    # -- what a running sandbox offers --------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._state == "running"

    @property
    def runtime(self) -> SandboxRuntime:
        """The runtime-file object (URLs, credentials, admin URL, pid, start time)."""
        if self._runtime is None:
            raise RuntimeError("the sandbox has not been started")
        return self._runtime

    @property
    def admin_url(self) -> str:
        return self.runtime.admin

    @property
    def urls(self) -> dict[str, dict[str, str]]:
        """URL keys by service, as in the runtime file."""
        return {name: dict(ctx.urls) for name, ctx in self._contexts.items()}

    def base_url(self, service: str) -> str:
        return self.context(service).base_url

    def context(self, service: str) -> SandboxContext:
        try:
            return self._contexts[service]
        except KeyError:
            known = ", ".join(self._contexts) or "none (not started)"
            raise KeyError(f"no emulator {service!r} in this sandbox; running: {known}") from None

    def faults(self, service: str) -> FaultInjector:
        return self.context(service).faults

    def limits(self, service: str) -> ServiceLimits:
        return self.context(service).limits

    def credentials(self, service: str) -> dict[str, str]:
        return dict(self.context(service).credentials)

    def describe(self) -> dict[str, Any]:
        """What GET /config answers."""
        return {
            "services": {
                name: {
                    "urls": dict(ctx.urls),
                    "credentials": dict(ctx.credentials),
                    "settings": dict(ctx.settings),
                }
                for name, ctx in self._contexts.items()
            },
            "admin": self._runtime.admin if self._runtime else None,
            "pid": os.getpid(),
            "seed": self.seed,
            "tier": self.options.tier,
            "rate_limits": self.options.rate_limits.value,
            "clock": self.clock.describe(),
            "faults": {name: ctx.faults.describe() for name, ctx in self._contexts.items()},
            "limits": {name: ctx.limits.describe() for name, ctx in self._contexts.items()},
            "runtime_file": (
                str(runtime_file_path(self._runtime_dir)) if self._runtime_dir else None
            ),
        }
