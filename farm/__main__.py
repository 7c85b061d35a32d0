"""``python -m farm``: serve the sample-portal farm until interrupted.

    .venv/bin/python -m farm [--port 8899] [--time-scale 0.1] [--log requests.jsonl]
    .venv/bin/python -m farm --write-truth    # after changing a portal: manifest + registry

Prints the proxy URL and the registry path. Point a crawler at it with
``http_proxy=https_proxy=<proxy URL>`` (and no ``no_proxy``); a browser with
``--proxy-server=<proxy URL> --ignore-certificate-errors``. The control host
``http://farm.test/_farm/`` (through the proxy) serves the manifest and request log and
applies mutations (``/_farm/mutate?name=revise``).
"""

from __future__ import annotations

import argparse
import signal
import threading

from . import MUTATIONS, start


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m farm", description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on")
    ap.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every delay (slow pages, challenge waits, Crawl-delay, rate windows)",
    )
    ap.add_argument("--log", help="append the request log (JSONL) to this file")
    ap.add_argument("--workdir", help="where to write manifest.json, the certificate and the log")
    ap.add_argument(
        "--mutate", action="append", default=[], choices=sorted(MUTATIONS), help="apply at start"
    )
    ap.add_argument(
        "--variants",
        help="serve generated portal variants, e.g. trs:0-9,gkmlpt:0-9 or all:0-2 (docs/farm.md)",
    )
    ap.add_argument(
        "--with-sample", action="store_true", help="with --variants: serve the sample portals too"
    )
    ap.add_argument(
        "--write-truth",
        action="store_true",
        help="rewrite the committed farm/manifest.json and farm/registry.csv, then exit",
    )
    args = ap.parse_args(argv)
    if args.write_truth:
        from .groundtruth import write

        print(write())
        return
    variants = None
    if args.variants:
        from .variants import parse_spec

        variants = parse_spec(args.variants)
    farm = start(
        args.port,
        args.time_scale,
        host=args.host,
        log_path=args.log,
        workdir=args.workdir,
        variants=variants,
        sample=args.with_sample or not variants,
    )
    for name in args.mutate:
        farm.mutate(name)
    print(f"proxy:    {farm.proxy_url}", flush=True)
    print(f"registry: {farm.registry_path}", flush=True)
    print(f"manifest: {farm.manifest_path}", flush=True)
    print(f"log:      {farm.log_path}", flush=True)
    print(f"export http_proxy={farm.proxy_url} https_proxy={farm.proxy_url}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    farm.stop()


if __name__ == "__main__":
    main()
