"""``hemicycle serve``: run the workbench with uvicorn on a socket bound here, print its address."""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable

import uvicorn

from hemicycle.web.app import LOOPBACK, Settings, create_app


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (``port`` 0: any free port); ``OSError`` when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = host.strip("[]")
    if shown in ("0.0.0.0", "::"):
        shown = "127.0.0.1" if shown == "0.0.0.0" else "::1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False,
          say: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serve until interrupted. Beyond loopback, any host name is accepted and ``warn`` says
    that everyone who can reach the address can use the workbench."""
    sock = bind(host, port)
    allowed = LOOPBACK | {host.strip("[]").lower()} if is_loopback(host) else None
    if allowed is None:
        warn(f"warning: listening on {host}: anyone who can reach this address can use the workbench "
             "(run allocations and verifications on this machine, within the server's limits); there is "
             "no login")
    url = url_of(host, sock)
    say(f"hemicycle workbench: {url}  (Ctrl+C to stop)")
    app = create_app(Settings(allowed_hosts=allowed))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
