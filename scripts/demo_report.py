#!/usr/bin/env python3
"""What scripts/demo shows at the end.

Reads every message of the queues `{prefix}.results` and `{prefix}.failed`
(AMQP 0-9-1 `basic.get`, never acknowledged: when this program disconnects
the broker puts them all back, so the queues are left as they were), writes
them to OUT/results.jsonl and OUT/failed.jsonl (one JSON document a line, as
the worker published it), then prints one statistic in full and a table of
pages. Python's standard library only: no AMQP client needs installing.

    demo_report.py --amqp-url URL --prefix PREFIX --out DIR
"""

import argparse
import json
import os
import re
import socket
import struct
import sys
from urllib.parse import unquote, urlsplit

FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_HEARTBEAT = 1, 2, 3, 8
FRAME_END = b"\xce"


def shortstr(s: str) -> bytes:
    b = s.encode()
    return struct.pack("B", len(b)) + b


def longstr(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


class Amqp:
    """Just enough of AMQP 0-9-1 to log in and get messages on channel 1."""

    def __init__(self, url: str):
        u = urlsplit(url)
        if u.scheme != "amqp":
            raise SystemExit(f"demo_report: only amqp:// URLs are read here, not {u.scheme}://")
        vhost = unquote(u.path[1:]) if len(u.path) > 1 else "/"
        self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 5672), timeout=30)
        self.buf = b""
        self.sock.sendall(b"AMQP\x00\x00\x09\x01")
        self.expect(0, 10, 10)  # connection.start
        props = b"\x0fconnection_nameS" + longstr(b"fraudstat demo report")
        user, password = unquote(u.username or "guest"), unquote(u.password or "guest")
        self.method(0, 10, 11, longstr(props) + shortstr("PLAIN")
                    + longstr(b"\0" + user.encode() + b"\0" + password.encode()) + shortstr("en_US"))
        args = self.expect(0, 10, 30)  # connection.tune
        channel_max, frame_max, _ = struct.unpack(">HIH", args[:8])
        self.method(0, 10, 31, struct.pack(">HIH", channel_max or 2047, frame_max, 0))
        self.method(0, 10, 40, shortstr(vhost) + shortstr("") + b"\x00")
        self.expect(0, 10, 41)
        self.method(1, 20, 10, shortstr(""))
        self.expect(1, 20, 11)

    def method(self, channel: int, cls: int, mth: int, args: bytes) -> None:
        payload = struct.pack(">HH", cls, mth) + args
        self.sock.sendall(struct.pack(">BHI", FRAME_METHOD, channel, len(payload)) + payload + FRAME_END)

    def frame(self) -> tuple[int, int, bytes]:
        while True:
            while len(self.buf) < 7:
                self.recv()
            kind, channel, size = struct.unpack(">BHI", self.buf[:7])
            while len(self.buf) < 8 + size:
                self.recv()
            payload, self.buf = self.buf[7:7 + size], self.buf[8 + size:]
            if kind != FRAME_HEARTBEAT:
                return kind, channel, payload

    def recv(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("demo_report: the broker closed the connection")
        self.buf += chunk

    def expect(self, channel: int, cls: int, mth: int) -> bytes:
        kind, ch, payload = self.frame()
        got = struct.unpack(">HH", payload[:4]) if kind == FRAME_METHOD else None
        if got in ((10, 50), (20, 40)):  # connection.close, channel.close
            code, = struct.unpack(">H", payload[4:6])
            text = payload[7:7 + payload[6]].decode(errors="replace")
            raise SystemExit(f"demo_report: the broker refused: {code} {text}")
        if ch != channel or got != (cls, mth):
            raise SystemExit(f"demo_report: unexpected frame {kind} {got} on channel {ch}")
        return payload[4:]

    def get_all(self, queue: str) -> list[bytes]:
        """Every ready message of `queue`, left unacknowledged."""
        bodies = []
        while True:
            self.method(1, 60, 70, struct.pack(">H", 0) + shortstr(queue) + b"\x00")
            kind, _, payload = self.frame()
            got = struct.unpack(">HH", payload[:4]) if kind == FRAME_METHOD else None
            if got == (60, 72):  # basic.get-empty
                return bodies
            if got == (20, 40):  # channel.close: no such queue, or no right to it
                text = payload[7:7 + payload[6]].decode(errors="replace")
                raise SystemExit(f"demo_report: could not read {queue}: {text}")
            if got != (60, 71):  # basic.get-ok
                raise SystemExit(f"demo_report: could not read {queue} ({got})")
            _, _, header = self.frame()
            size, = struct.unpack(">Q", header[4:12])
            body = b""
            while len(body) < size:
                _, _, chunk = self.frame()
                body += chunk
            bodies.append(body)

    def close(self) -> None:
        self.method(0, 10, 50, struct.pack(">H", 200) + shortstr("bye") + struct.pack(">HH", 0, 0))
        try:
            self.expect(0, 10, 51)
        except SystemExit:
            pass
        self.sock.close()


def as_line(body: bytes) -> bytes:
    """The body as one JSONL line (as published, when it is one already)."""
    try:
        json.loads(body)
        if b"\n" not in body:
            return body + b"\n"
    except ValueError:
        pass
    return json.dumps({"body": body.decode("utf-8", "replace")}, ensure_ascii=False).encode() + b"\n"


def page_name(url) -> str:
    if not url:
        return "(not a URL)"
    return url.rsplit("/", 1)[-1] if url.startswith("http") else url


def pick(results: list[dict]):
    """One telling statistic: an approximate count of people arrested from
    an HTML page if there is one, else the first with a known metric."""
    ordered = sorted(results, key=lambda r: (r["http"].get("content_type") != "text/html", r["url"]))
    candidates = [(r, s) for r in ordered for s in r.get("statistics", [])]
    for test in (lambda s: s["metric"] == "suspects_arrested" and s.get("approx"),
                 lambda s: s["metric"] != "other", lambda s: True):
        for r, s in candidates:
            if test(s):
                return r, s
    return None, None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--amqp-url", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    conn = Amqp(a.amqp_url)
    results = conn.get_all(f"{a.prefix}.results")
    failed = conn.get_all(f"{a.prefix}.failed")
    conn.close()

    os.makedirs(a.out, exist_ok=True)
    for name, bodies in (("results.jsonl", results), ("failed.jsonl", failed)):
        with open(os.path.join(a.out, name), "wb") as f:
            for b in bodies:
                f.write(as_line(b))

    results = [json.loads(b) for b in results]
    records = []
    for b in failed:
        try:
            records.append(json.loads(b))
        except ValueError:
            records.append({"error": {"kind": "unreadable"}})

    rows = [(page_name(r["url"]), str(len(r["statistics"])), "") for r in results]
    for f in records:
        err = f.get("error", {})
        why = err.get("kind", "?") + (f" ({err['status']})" if err.get("status") else "")
        rows.append((page_name(f.get("url")), "-", why))
    rows.sort()
    w = max([len(r[0]) for r in rows] + [4])
    print(f"{'page':<{w}}  statistics  failure")
    for name, stats, why in rows:
        print(f"{name:<{w}}  {stats:>10}  {why}")
    total = sum(len(r["statistics"]) for r in results)
    kinds = sorted({row[2] for row in rows if row[2]})
    print()
    print(f"pages: {len(results)}   statistics found: {total}   failures: {len(records)}"
          + (f" ({', '.join(kinds)})" if kinds else ""))

    r, s = pick(results)
    if s is not None:
        a_, h = r["article"], r["http"]
        print()
        print(f"One statistic in full, from {r['url']}")
        print(f"({h.get('content_type')} in {h.get('charset')}; title 「{a_.get('title')}」, published {a_.get('published')}):")
        text = json.dumps(s, ensure_ascii=False, indent=2)
        print(re.sub(r"\[\s+(\d+),\s+(\d+)\s+\]", r"[\1, \2]", text))


if __name__ == "__main__":
    sys.exit(main())
