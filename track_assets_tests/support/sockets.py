"""The listening sockets of a process tree, read from /proc (Linux; psutil is not among the
project's dependencies): which address and port each TCP listener is bound to, and the
unix-domain listeners, per process."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_TCP_LISTEN = "0A"  # include/net/tcp_states.h: TCP_LISTEN
_UNIX_ACCEPTING = 0x00010000  # __SO_ACCEPTCON: a unix socket that listen() was called on
LOOPBACK = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


@dataclass(frozen=True)
class Listener:
    """One listening socket: TCP (`host`, `port`) or unix-domain (`path`), and who holds it."""

    pid: int
    command: str
    kind: str  # "tcp", "tcp6" or "unix"
    host: str = ""
    port: int = 0
    path: str = ""

    @property
    def on_loopback_only(self) -> bool:
        """Reachable from this machine only: bound to 127.0.0.1 or ::1 (a unix socket is)."""
        if self.kind == "unix":
            return True
        address = ipaddress.ip_address(self.host)
        mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on an IPv6 socket
        return (mapped or address) in LOOPBACK

    def __str__(self) -> str:
        where = self.path if self.kind == "unix" else f"{self.host}:{self.port}"
        return f"{self.kind} {where} (pid {self.pid} {self.command})"


def assert_loopback_only(listeners: list[Listener], what: str) -> list[Listener]:
    """At least one TCP listener, and every one bound to 127.0.0.1 or ::1; returns them."""
    tcp = [listener for listener in listeners if listener.kind != "unix"]
    report = "\n".join(f"  {listener}" for listener in listeners) or "  none"
    assert tcp, f"{what} listens on no TCP socket:\n{report}"
    exposed = [listener for listener in tcp if not listener.on_loopback_only]
    assert not exposed, f"{what} listens beyond the loopback interface:\n{report}"
    return tcp


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it (by parent pid), or in its session (started
    with start_new_session: a child orphaned by a dead parent keeps it)."""
    parents: dict[int, int] = {}
    sessions: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # pid (comm) state ppid pgrp session ...: comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        sessions[int(entry.name)] = int(fields[3])
    tree = {root}
    grown = True
    while grown:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grown = bool(found)
    tree |= {pid for pid, session in sessions.items() if session == root}
    return sorted(pid for pid in tree if pid in parents)


def listening_sockets(root: int) -> list[Listener]:
    """Every socket a process of `root`'s tree listens on (TCP over IPv4 and IPv6, unix)."""
    listeners: list[Listener] = []
    for pid in process_tree(root):
        inodes = _socket_inodes(pid)
        if not inodes:
            continue
        command = _command(pid)
        for kind in ("tcp", "tcp6"):
            for host, port, inode in _tcp_listeners(pid, kind):
                if inode in inodes:
                    listeners.append(Listener(pid, command, kind, host=host, port=port))
        for path, inode in _unix_listeners(pid):
            if inode in inodes:
                listeners.append(Listener(pid, command, "unix", path=path))
    return listeners


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        descriptors = list((PROC / str(pid) / "fd").iterdir())
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _tcp_listeners(pid: int, kind: str) -> list[tuple[str, int, str]]:
    """(host, port, inode) of the LISTEN rows of /proc/<pid>/net/tcp or tcp6."""
    try:
        lines = (PROC / str(pid) / "net" / kind).read_text().splitlines()[1:]
    except OSError:
        return []
    rows = []
    for line in lines:
        fields = line.split()
        if fields[3] != _TCP_LISTEN:
            continue
        address, port = fields[1].split(":")
        rows.append((read_proc_address(address), int(port, 16), fields[9]))
    return rows


def read_proc_address(hex_address: str) -> str:
    """/proc/net/tcp* addresses: 32-bit words in the machine's (little-endian) byte order."""
    raw = bytes.fromhex(hex_address)
    host_order = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(host_order))


def _unix_listeners(pid: int) -> list[tuple[str, str]]:
    """(path, inode) of the listening unix sockets in /proc/<pid>/net/unix."""
    try:
        lines = (PROC / str(pid) / "net" / "unix").read_text().splitlines()[1:]
    except OSError:
        return []
    rows = []
    for line in lines:
        fields = line.split()
        if int(fields[3], 16) & _UNIX_ACCEPTING:
            rows.append((fields[7] if len(fields) > 7 else "(unnamed)", fields[6]))
    return rows


def _command(pid: int) -> str:
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [
        Path(a.decode(errors="replace")).name if i == 0 else a.decode(errors="replace")
        for i, a in enumerate(argv)
        if a
    ]
    return " ".join(words)[:120]
