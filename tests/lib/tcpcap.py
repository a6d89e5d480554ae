# tcpcap.py: TCP handshakes (IPv4 or IPv6), short IPv4 TCP sessions with a
# payload each way, UDP datagrams and ICMP echo messages (IPv4) in Ethernet,
# written to a classic pcap, for the cases a suite's run.sh writes with
# python3 (PYTHONPATH set to tests/lib). Standard library only.
import struct


def csum(b):
    """The Internet checksum of b (RFC 1071), of even length."""
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(src, dst, sport, dport, flags):
    """An Ethernet frame of one TCP segment (no payload, sequence 1), in
    IPv6 when the addresses are 16 bytes (no TCP checksum there)."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags,
                      65535, 0, 0)
    if len(src) == 16:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, 64,
                         bytes(src), bytes(dst))
        return (b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x86\xdd" +
                ip + tcp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0,
                     bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp


def segment(src, dst, sport, dport, flags, seq, ack, payload):
    """An Ethernet frame of one IPv4 TCP segment carrying payload (no TCP
    checksum)."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                     0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp


def session(c, s, cp, sp, request, reply):
    """A handshake, then request from the client and reply from the
    server, in one segment each, then the client's FIN."""
    return handshake(c, s, cp, sp) + [
        segment(c, s, cp, sp, 0x18, 2, 2, request),
        segment(s, c, sp, cp, 0x18, 2, 2 + len(request), reply),
        segment(c, s, cp, sp, 0x11, 2 + len(request), 2 + len(reply), b"")]


def udp(src, dst, sport, dport, payload):
    """An Ethernet frame of one UDP datagram (no UDP checksum)."""
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0,
                     bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + u


def echo(src, dst, reply, ident, seq, data):
    """An Ethernet frame of one ICMP echo request, or reply (RFC 792)."""
    m = struct.pack("!BBHHH", 0 if reply else 8, 0, 0, ident, seq) + data
    m = m[:2] + struct.pack("!H", csum(m + b"\0" * (len(m) % 2))) + m[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(m), 1, 0, 64, 1, 0,
                     bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + m


def handshake(c, s, cp, sp):
    """SYN, SYN-ACK, ACK from client c:cp to server s:sp."""
    return [frame(c, s, cp, sp, 0x02), frame(s, c, sp, cp, 0x12),
            frame(c, s, cp, sp, 0x10)]


def write_pcap(name, frames, secs):
    """frames to name, a classic microsecond pcap of Ethernet, each
    stamped at the second of secs beside it."""
    with open(name, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for f, t in zip(frames, secs):
            out.write(struct.pack("<IIII", t, 0, len(f), len(f)) + f)
