#!/usr/bin/python3
"""compat-probe.py KIND PORT PID: asks the service on 127.0.0.1:PORT
whether it serves, as a client of its kind would, retrying (0.2 s apart,
up to 30 s) while it starts and while the container's process PID lives.
Run inside the container's network namespace (nsenter --net), so only
loopback is ever used. Exits 0 when it serves."""
import os
import socket
import sys
import time

ASK = {
    "http": (b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n", lambda r: r.startswith(b"HTTP/1.") and b" 200 " in r[:16]),
    "redis": (b"PING\r\n", lambda r: r.startswith(b"+PONG")),
    "memcached": (b"version\r\n", lambda r: r.startswith(b"VERSION ")),
    # SSLRequest: the server answers one byte, "S" or "N"
    "postgres": (b"\x00\x00\x00\x08\x04\xd2\x16\x2f", lambda r: r[:1] in (b"S", b"N")),
}


def ask(kind, port):
    send, good = ASK[kind]
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(send)
        reply = b""
        while len(reply) < 64:
            chunk = s.recv(64)
            if not chunk:
                break
            reply += chunk
            if good(reply):
                return True
        return good(reply)


def main():
    kind, port, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    last = None
    for _ in range(150):
        gone = not os.path.exists("/proc/" + pid)
        try:
            if ask(kind, port):
                print("serves")
                return 0
            last = "unexpected reply"
        except OSError as e:
            last = str(e)
        if gone:
            last += " (the container's process has ended)"
            break
        time.sleep(0.2)
    print("does not serve: %s" % last)
    return 1


sys.exit(main())
