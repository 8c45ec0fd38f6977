"""Free loopback ports for tests that start `lkjip serve`."""

from __future__ import annotations

import socket


def free_ports(n: int = 2) -> list[int]:
    """``n`` different free ports (all held open together while chosen)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def port_args() -> list[str]:
    """``--port P --dagster-port D`` with two free ports."""
    page, dagster = free_ports()
    return ["--port", str(page), "--dagster-port", str(dagster)]
