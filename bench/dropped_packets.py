"""Benchmark: how long check-links takes to say the network is down when it drops packets (loopback only).

    python bench/dropped_packets.py [--hosts 40] [--links 25]

``--hosts`` loopback ports that never complete a connection, as a network that drops packets:
each listens with a full queue (``listen(0)`` and one connection never accepted), so Linux drops
every further SYN and each connection times out (no root needed). A markdown file of ``--links``
links per host is checked by ``check-links --json`` (the job's ``run``: the offline watch and the
end-of-run rule) with this checkout's ``config/links.yml`` (5 s ``connect_timeout``). Prints the
exit code, the error line and the wall time. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.jobs.check_links import Options, run  # noqa: E402
from bot.linkcheck import make_client, settings_from_config  # noqa: E402


def blackholes(count: int) -> tuple[list[int], list[socket.socket]]:
    """``count`` loopback ports whose connections are never made, and the sockets to keep open."""
    ports, sockets = [], []
    for _ in range(count):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        sockets += [listener, socket.create_connection(listener.getsockname(), timeout=5)]
        ports.append(listener.getsockname()[1])
    return ports, sockets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40, help="hosts that drop packets")
    parser.add_argument("--links", type=int, default=25, help="links per host")
    args = parser.parse_args(argv)
    settings = settings_from_config(config.load("links", ROOT / "config"))
    errors: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: errors.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("bot.jobs.check_links").addHandler(handler)
    ports, sockets = blackholes(args.hosts)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "links.md"
            path.write_text(
                "".join(
                    f"- [link](http://127.0.0.1:{port}/paper-{n})\n"
                    for n in range(args.links)
                    for port in ports
                ),
                encoding="utf-8",
            )

            async def check() -> int:
                async with make_client(settings) as client:
                    return await run(path, settings, client, (), Options(as_json=True, out=io.StringIO()))

            began = time.monotonic()
            code = asyncio.run(check())
            wall = time.monotonic() - began
    finally:
        for sock in sockets:
            sock.close()
    print(
        f"{args.hosts} hosts x {args.links} links dropping packets (connect_timeout {settings.connect_timeout} s, "
        f"timeout {settings.timeout} s): exit {code}, wall {wall:.1f} s, error: {' | '.join(errors) or '-'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
