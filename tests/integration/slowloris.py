"""Slow clients for tests/integration/test_slow_clients.py: sockets that send
a request's header or body a little at a time, as a slowloris attack does."""

import contextlib
import socket
import ssl
import threading

TICK_SECONDS = 2  # between two pieces of a slow request

TLS = ssl.create_default_context()
TLS.check_hostname, TLS.verify_mode = False, ssl.CERT_NONE


class SlowClients:
    """Sockets that each send a request a little at a time, every TICK_SECONDS,
    from addresses 127.0.0.<n> of their own; one dropped by the server is
    reopened (as an attacker does), and counted."""

    def __init__(self, port: int, *, tls: bool, first_address: int = 10):
        self.port, self.tls, self.next_address = port, tls, first_address
        self.sockets: list[tuple[socket.socket, bytes]] = []
        self.reopened = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._tick, daemon=True)

    def _open(self, kind: str) -> socket.socket:
        raw = socket.socket()
        raw.bind((f"127.0.0.{self.next_address % 240 + 10}", 0))
        self.next_address += 1
        raw.settimeout(5)
        raw.connect(("127.0.0.1", self.port))
        sock = TLS.wrap_socket(raw, server_hostname="localhost") if self.tls else raw
        if kind == "header":
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        else:
            sock.sendall(
                # A referer and a CSRF cookie that pass Django's first checks,
                # so that without the proxy's buffering it would wait for the
                # body (the form's token is in it) in one of gunicorn's threads.
                b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Referer: https://127.0.0.1/accounts/login/\r\n"
                b"Cookie: csrftoken=" + b"a" * 32 + b"\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\nusername=slow"
            )
        return sock

    def open(self, headers: int, bodies: int) -> None:
        for kind, n in (("header", headers), ("body", bodies)):
            for _ in range(n):
                self.sockets.append((self._open(kind), kind))
        self.thread.start()

    def _tick(self) -> None:
        while not self.stopping.wait(TICK_SECONDS):
            for i, (sock, kind) in enumerate(list(self.sockets)):
                try:
                    sock.sendall(b"X-Slow: 1\r\n" if kind == "header" else b"&x=1")
                except OSError:
                    sock.close()
                    self.reopened += 1
                    with contextlib.suppress(OSError):
                        self.sockets[i] = (self._open(kind), kind)

    def close(self) -> None:
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        for sock, _kind in self.sockets:
            sock.close()
