"""Loaded by every Python process started with this folder on PYTHONPATH: no network but loopback.

A process (and each process it starts, such as `netkg serve`'s query workers) may use Unix
sockets and 127.0.0.1 / ::1 only. Any other connect, bind, send or name lookup is refused and
written to the file named by NETKG_NET_LOG, so that a test sees an attempt even if the code
under test swallowed the error.
"""

from __future__ import annotations

import os
import socket

_LOOPBACK = {"127.0.0.1", "::1", "localhost", ""}
_log = os.environ.get("NETKG_NET_LOG")


def _refuse(what: str, address: object) -> None:
    if _log:
        with open(_log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {what} {address!r}\n")
    raise OSError(f"network access blocked by the test: {what} {address!r}")


def _host(address: object) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # a Unix socket path


class _Guarded(socket.socket):
    def connect(self, address):  # type: ignore[override]
        host = _host(address)
        if host is not None and host not in _LOOPBACK:
            _refuse("connect", address)
        return super().connect(address)

    def connect_ex(self, address):  # type: ignore[override]
        host = _host(address)
        if host is not None and host not in _LOOPBACK:
            _refuse("connect", address)
        return super().connect_ex(address)

    def bind(self, address):  # type: ignore[override]
        host = _host(address)
        if host is not None and host not in _LOOPBACK:
            _refuse("bind", address)
        return super().bind(address)

    def sendto(self, *args):  # type: ignore[override]
        host = _host(args[-1])
        if host is not None and host not in _LOOPBACK:
            _refuse("sendto", args[-1])
        return super().sendto(*args)


_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and str(name) not in _LOOPBACK:
        _refuse("getaddrinfo", name)
    return _getaddrinfo(host, *args, **kwargs)


def _no_lookup(name, *args, **kwargs):
    if str(name) in _LOOPBACK:
        return "127.0.0.1"
    _refuse("gethostbyname", name)


socket.socket = _Guarded  # type: ignore[misc]
socket.getaddrinfo = _guarded_getaddrinfo
socket.gethostbyname = _no_lookup
socket.gethostbyname_ex = _no_lookup  # type: ignore[assignment]
