#!/usr/bin/env python3
"""sock.py: the real endpoints of the firewall test (tests/acl/run.sh).

  sock.py serve SECONDS SPEC...    listen on every address, IPv4 and IPv6,
                                   on each SPEC (tcp:PORT, udp:PORT); answer
                                   each message with "OK"; exit after SECONDS
  sock.py send SRC DST SPEC [SPORT]
                                   from address SRC (and port SPORT), connect
                                   (TCP) or send (UDP) to DST, wait for "OK":
                                   exit 0 when it came, 1 when it did not

Bounded in time on both sides: a connection the firewall drops ends the
sender after WAIT seconds, or sooner at SIGTERM. A sender told to stop
still says whether the answer had come: it is in the socket's buffer
before the sender's kernel sends anything after it (an ACK, a FIN), so
a test that stops the sender once the router has counted a drop still
sees an answer that came before that drop.
"""
import select
import signal
import socket
import sys
import time

WAIT = 2.0


class Stop(Exception):
    """SIGTERM: stop waiting for the answer."""


# timeout(1) passes SIGTERM on to its child, then to its process group:
# the sender takes the first, and ignores the second.
def on_term(_sig, _frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stop()


def spec(s):
    proto, port = s.split(":")
    if proto not in ("tcp", "udp"):
        raise SystemExit("sock.py: bad spec " + s)
    return proto, int(port)


def serve(seconds, specs):
    socks = {}
    for s in specs:
        proto, port = spec(s)
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        fd = socket.socket(socket.AF_INET6, kind)
        fd.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        fd.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        fd.bind(("::", port))
        if proto == "tcp":
            fd.listen(16)
        socks[fd] = proto
    end = time.time() + seconds
    conns = []
    while time.time() < end:
        ready, _, _ = select.select(list(socks) + conns, [], [], 0.2)
        for fd in ready:
            if fd in conns:
                try:
                    data = fd.recv(2048)
                    if data:
                        fd.sendall(b"OK\r\n")
                        continue
                except OSError:
                    pass
                fd.close()
                conns.remove(fd)
            elif socks[fd] == "tcp":
                c, _ = fd.accept()
                conns.append(c)
            else:
                data, peer = fd.recvfrom(2048)
                if data:
                    fd.sendto(b"OK\r\n", peer)
    return 0


# The answer already in fd's buffer, without waiting: True or False.
# (A socket with a timeout polls before it reads, MSG_DONTWAIT or not.)
def answered(fd):
    fd.setblocking(False)
    try:
        return fd.recv(64).startswith(b"OK")
    except OSError:
        return False


def send(src, dst, s, sport):
    proto, port = spec(s)
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    fd = socket.socket(fam, kind)
    fd.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    fd.settimeout(WAIT)
    try:
        fd.bind((src, sport))
        fd.connect((dst, port))
        fd.send(b"hello\r\n")
        return 0 if fd.recv(64).startswith(b"OK") else 1
    except Stop:
        return 0 if answered(fd) else 1
    except OSError:
        return 1
    finally:
        fd.close()


def main(argv):
    if len(argv) >= 3 and argv[1] == "serve":
        return serve(float(argv[2]), argv[3:])
    if len(argv) in (5, 6) and argv[1] == "send":
        signal.signal(signal.SIGTERM, on_term)
        return send(argv[2], argv[3], argv[4], int(argv[5]) if len(argv) == 6 else 0)
    sys.stderr.write("usage: sock.py serve SECONDS SPEC... | sock.py send SRC DST SPEC [SPORT]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
