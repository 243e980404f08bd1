#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# rawqmp.py - the raw python comparator of issue 18: a QMP client the way
# an operator's script or Ganeti's QmpConnection talks to QEMU, with
# nothing but the standard library (socket, json).  One refresh of one
# instance: connect to its QMP socket, read the greeting, then
# qmp_capabilities, query-pci and the qom-list of the anonymous devices
# that slotscope sends, each a json.dumps of the command with an id (ids
# of the length slotscope uses); replies are read with recv(4096) into a
# buffer until a newline, and every line is json.loads'ed; events are
# skipped, a reply with another id too, an error stops the refresh.
#
# It runs as one long-lived process, so the interpreter's start is not in
# what is timed: a benchmark starts it once (it says "ready NS", the ns
# from its start to ready, on stdout) and then writes one request a line
# on stdin:
#   refresh PATH       one refresh over the QMP socket at PATH
#   fleet DIR N        one refresh each of DIR/vm1.qmp .. DIR/vmN.qmp, one
#                      after the other, as a script looping over a fleet
# and reads one line back: "ok WALL_NS CPU_NS" (perf_counter_ns and
# process_time_ns around the request's work) or "err WHY".  EOF ends it.
import json
import socket
import sys
import time

START = time.perf_counter_ns()


class QmpError(Exception):
    pass


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.buf = b""
        self.n = 0

    def close(self):
        self.sock.close()

    def recv(self):
        """The next message, parsed."""
        while True:
            pos = self.buf.find(b"\n")
            if pos >= 0:
                line, self.buf = self.buf[:pos], self.buf[pos + 1:]
                return json.loads(line)
            data = self.sock.recv(4096)
            if not data:
                raise QmpError("the monitor hung up")
            self.buf += data

    def execute(self, command, arguments=None):
        self.n += 1
        cid = "py-0badc0de-%d" % self.n
        msg = {"execute": command, "id": cid}
        if arguments is not None:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self.recv()
            if "event" in reply or reply.get("id") != cid:
                continue
            if "error" in reply:
                raise QmpError("%s: %s" % (command, reply["error"]["desc"]))
            return reply["return"]


def refresh(path):
    """What slotscope reads of one instance: version, bus, anonymous
    devices."""
    q = Qmp(path)
    try:
        greeting = q.recv()
        if "QMP" not in greeting:
            raise QmpError("no QMP greeting")
        version = greeting["QMP"]["version"]["qemu"]
        q.execute("qmp_capabilities")
        pci = q.execute("query-pci")
        anon = q.execute("qom-list",
                         {"path": "/machine/peripheral-anon"})
        devices = [d for bus in pci for d in bus["devices"]]
        if not devices or version["major"] < 1:
            raise QmpError("an empty bus")
        return len(devices) + len(anon)
    finally:
        q.close()


def main():
    out = sys.stdout
    out.write("ready %d\n" % (time.perf_counter_ns() - START))
    out.flush()
    for line in sys.stdin:
        words = line.split()
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        try:
            if len(words) == 2 and words[0] == "refresh":
                refresh(words[1])
            elif len(words) == 3 and words[0] == "fleet":
                for i in range(1, int(words[2]) + 1):
                    refresh("%s/vm%d.qmp" % (words[1], i))
            else:
                raise QmpError("unknown request %r" % line.strip())
            t1, c1 = time.perf_counter_ns(), time.process_time_ns()
            out.write("ok %d %d\n" % (t1 - t0, c1 - c0))
        except (OSError, ValueError, KeyError, TypeError, QmpError) as e:
            out.write("err %s\n" % str(e).replace("\n", " "))
        out.flush()


if __name__ == "__main__":
    main()
