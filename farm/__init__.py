"""The bundled sample-portal farm: an offline server that behaves like real county portals.

    import farm

    with farm.start(time_scale=0.05) as f:
        os.environ["http_proxy"] = os.environ["https_proxy"] = f.proxy_url
        ... crawl f.registry_path ...
        f.requests()            # the request log
        f.manifest              # ground truth (expected outcomes, reports, decoys)
        f.mutate("revise")      # new bytes for one document at the same URL
        f.mutate("add")         # one more report

``python -m farm`` serves until interrupted. See docs/farm.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .content import ContentStore
from .groundtruth import MANIFEST_PATH, REGISTRY_PATH, build_manifest, dumps, registry_csv
from .groundtruth import manifest as _static_manifest
from .http import Request, Response, json_response
from .model import Portal
from .server import CONTROL_HOST, FarmServer, RequestLog
from .sites import MUTATIONS, build_sites
from .sites.base import TLS_SERVED, FarmState, Site
from .tls import server_context

# The farm's portals: *.test names, and one documentation address (RFC 5737) for a portal that
# publishes under a bare IP.
ALLOWED_HOSTS = "*.test,192.0.2.10"

__all__ = [
    "CONTROL_HOST",
    "MANIFEST_PATH",
    "MUTATIONS",
    "REGISTRY_PATH",
    "Farm",
    "manifest",
    "start",
]


def manifest(mutations: frozenset[str] | set[str] = frozenset()) -> dict:
    """Ground truth without starting a server (see farm/groundtruth.py for the format)."""
    return _static_manifest(frozenset(mutations))


class Farm:
    """A running farm. Use :func:`start`; the server runs in a background thread."""

    def __init__(
        self,
        port: int = 0,
        time_scale: float = 1.0,
        *,
        host: str = "127.0.0.1",
        log_path: str | Path | None = None,
        workdir: str | Path | None = None,
        variants: list[tuple] | None = None,
        sample: bool = True,
        directory: bool = False,
    ) -> None:
        self.host = host
        self.variants = list(variants or [])
        self.directory = directory  # the directory world of farm/directory.py
        if directory:
            from . import directory as world

            self.variants += world.county_pairs()
        self.sample = sample
        self.requested_port = port
        self.time_scale = time_scale
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="nianbao-farm-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = Path(log_path) if log_path else self.workdir / "requests.jsonl"
        # the committed registry for the sample farm; a variant farm writes its own
        self.registry_path = (
            REGISTRY_PATH if sample and not variants else self.workdir / "registry.csv"
        )
        self.manifest_path = self.workdir / "manifest.json"
        self.directory_seeds_path = self.workdir / "directory-seeds.csv"  # province,url
        self.content = ContentStore()
        self.state = FarmState(time_scale)
        self.log = RequestLog(self.log_path)
        self.mutations: frozenset[str] = frozenset()
        self._lock = threading.RLock()
        self._portals: list[Portal] = []
        self._sites: list[Site] = []
        self._variant_sites: list = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.server: FarmServer | None = None
        self.port = 0

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> Farm:
        self._rebuild()
        https_hosts = [
            name
            for site in self._sites
            for name, cfg in site.hosts.items()
            if cfg.tls in TLS_SERVED
        ]
        ssl_ctx = server_context(https_hosts, self.workdir)
        broken_ctx = server_context(https_hosts, self.workdir, broken=True)
        self.server = FarmServer(self.state, self.log, ssl_ctx, self._control, broken_ctx)
        self.server.set_sites(self._sites)
        self._thread = threading.Thread(target=self._run, name="nianbao-farm", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error:
            raise RuntimeError("farm failed to start") from self._error
        return self

    def _run(self) -> None:
        async def main() -> None:
            assert self.server is not None
            self._loop = asyncio.get_running_loop()
            self._stopped = asyncio.Event()
            try:
                self.port = await self.server.start(self.host, self.requested_port)
            except BaseException as exc:
                self._error = exc
                self._ready.set()
                return
            self._ready.set()
            await self._stopped.wait()
            await self.server.stop()

        asyncio.run(main())

    def stop(self) -> None:
        if self._loop and self._stopped and self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(10)
        self.log.shutdown()

    def __enter__(self) -> Farm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what clients need ------------------------------------------------------------------

    @property
    def ca_file(self) -> Path:
        """The certificate a crawl of the farm trusts (``nianbao crawl --ca-file``)."""
        return self.workdir / "farm-cert.pem"

    @property
    def proxy_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment for a crawler subprocess: both proxy variables (no no_proxy), and the
        farm's certificate as a CA to trust (it terminates TLS, as a corporate proxy does)."""
        return {
            "NIANBAO_CA_FILE": str(self.ca_file),
            "http_proxy": self.proxy_url,
            "https_proxy": self.proxy_url,
            "HTTP_PROXY": self.proxy_url,
            "HTTPS_PROXY": self.proxy_url,
        }

    def crawl_command(
        self, db: Path | str, *extra: str, registry: str | None = None, log_level: str = "ERROR"
    ) -> tuple[list[str], dict[str, str]]:
        """``nianbao crawl`` of this farm as a subprocess: its argv and environment (the farm as
        the proxy, any no_proxy dropped so that nothing bypasses it)."""
        env = {**os.environ, **self.env()}
        env.pop("no_proxy", None)
        env.pop("NO_PROXY", None)
        argv = [
            sys.executable,
            "-m",
            "crawler",
            "crawl",
            "--registry",
            registry or str(self.registry_path),
            "--db",
            str(db),
            "--log-level",
            log_level,
            "-s",
            f"NIANBAO_ALLOWED_HOSTS={self.allowed_hosts}",
            "--ca-file",
            str(self.ca_file),  # the farm terminates TLS: trusted as a corporate CA would be
            "-s",
            "AUTOTHROTTLE_START_DELAY=0",  # the farm's own delays are what is measured
            *extra,
        ]
        return argv, env

    @property
    def allowed_hosts(self) -> str:
        """The farm's hosts for NIANBAO_ALLOWED_HOSTS: every .test name, and the bare IPs."""
        ips = sorted(
            {h.split(":")[0] for s in self._sites for h in s.hosts if h[0].isdigit()}
            | ({"192.0.2.10"} if self.sample else set())
        )
        return ",".join(["*.test", *ips])

    @property
    def manifest(self) -> dict:
        with self._lock:
            return self._manifest()

    def _manifest(self) -> dict:
        m = build_manifest(self._portals, self.mutations)
        if self.variants:
            from .variants.truth import annotate

            annotate(m, self._variant_sites)
        return m

    def variant_hosts(self) -> dict[str, list[str]]:
        """Portal code → the hosts of that portal (variant and sample sites)."""
        return {s.portal.code: list(s.hosts) for s in self._sites}

    def requests(self, host: str | None = None) -> list[dict]:
        """The request log (oldest first), optionally for one host."""
        entries = self.log.entries()
        return [e for e in entries if host is None or e["host"] == host]

    def clear_requests(self) -> None:
        self.log.clear()

    # ---- mutations ---------------------------------------------------------------------------

    def mutate(self, name: str) -> dict:
        """Apply a named mutation (see ``farm.MUTATIONS``); returns the new manifest."""
        if name not in MUTATIONS:
            raise ValueError(f"unknown mutation {name!r}; known: {sorted(MUTATIONS)}")
        with self._lock:
            self.mutations = self.mutations | {name}
            self._rebuild()
            return build_manifest(self._portals, self.mutations)

    def reset(self) -> None:
        """Undo all mutations and forget per-run fault state (hit counters, warm-ups)."""
        with self._lock:
            self.mutations = frozenset()
            self.state.hits.clear()
            self.state.flags.clear()
            self._rebuild()

    def _rebuild(self) -> None:
        with self._lock:
            self.state.mutations = sorted(self.mutations)
            portals: list[Portal] = []
            sites: list[Site] = []
            if self.sample:
                portals, sites = build_sites(self.mutations, self.content, self.state)
            self._variant_sites = []
            if self.variants:
                from .variants.truth import build_set

                self._variant_sites = build_set(self.variants, self.state)
                portals = portals + [s.portal for s in self._variant_sites]
                sites = sites + list(self._variant_sites)
            if self.directory:
                from . import directory as world

                sites = sites + world.sites(self.content, self.state)
                self.directory_seeds_path.write_text(world.seeds_csv(), "utf-8")
            self._portals, self._sites = portals, sites
            if self.server is not None:
                self.server.set_sites(sites)
            if self.registry_path != REGISTRY_PATH:
                self.registry_path.write_text(registry_csv(portals), "utf-8")
            self.manifest_path.write_text(dumps(self._manifest()), "utf-8")

    # ---- the control host (http://farm.test/_farm/…, through the proxy) ---------------------

    def _control(self, req: Request) -> Response:
        path = urlsplit(req.target).path
        q = {k: v[0] for k, v in parse_qs(urlsplit(req.target).query).items()}
        if path == "/_farm/manifest.json":
            return json_response(self.manifest)
        if path == "/_farm/requests.jsonl":
            body = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.requests())
            return Response(200, [("Content-Type", "application/x-ndjson")], body.encode())
        if path == "/_farm/mutate":
            try:
                self.mutate(q.get("name", ""))
            except ValueError as exc:
                return json_response({"error": str(exc)}, 400)
            return json_response({"mutations": sorted(self.mutations)})
        if path == "/_farm/reset":
            self.reset()
            return json_response({"mutations": []})
        return json_response(
            {
                "proxy_url": self.proxy_url,
                "registry": str(self.registry_path),
                "time_scale": self.time_scale,
                "mutations": sorted(self.mutations),
                "endpoints": [
                    "/_farm/manifest.json",
                    "/_farm/requests.jsonl",
                    "/_farm/mutate?name=",
                    "/_farm/reset",
                ],
            }
        )


def start(
    port: int = 0,
    time_scale: float = 1.0,
    *,
    host: str = "127.0.0.1",
    log_path: str | Path | None = None,
    workdir: str | Path | None = None,
    variants: list[tuple] | None = None,
    sample: bool = True,
    directory: bool = False,
) -> Farm:
    """Start a farm in a background thread; use as a context manager or call ``.stop()``.

    ``variants=[("trs", 3), …]`` adds generated portals (farm/variants); ``sample=False``
    leaves out the sample portals. A farm with variants writes its registry CSV into its
    workdir (``registry_path``). ``directory=True`` adds the directory world of
    farm/directory.py (provincial and prefecture portals leading to real counties' portals;
    its start points in ``directory_seeds_path``)."""
    return Farm(
        port,
        time_scale,
        host=host,
        log_path=log_path,
        workdir=workdir,
        variants=variants,
        sample=sample,
        directory=directory,
    ).start()
