"""A crowd of idle TCP clients of one loopback port, in a process of its own.

Usage: idle_crowd.py FOLDER PORT COUNT

Opens COUNT clients of 127.0.0.1:PORT that connect and then send nothing.
Connects do not wait: clients beyond the listener's queue keep retrying in
the kernel. The crowd lives here, not in the test process, so its thousands
of descriptors count against this process's limit, not against the one the
test process shares with every test running beside it.

It answers through files in FOLDER, each written whole (a rename):
- `opened`: "COUNT" once every client is opened, or "error: REASON";
- `closed`: "N K" after the N-th SIGUSR1: K clients the other side has
  closed (they read end-of-file or a reset), checked without waiting.
On SIGTERM every client is reset (not closed politely, so no port stays in
TIME_WAIT) and the process exits.
"""

import errno
import os
import resource
import signal
import socket
import struct
import sys


def answer(folder, name, text):
    partial = os.path.join(folder, name + ".partial")
    with open(partial, "w") as file:
        file.write(text)
    os.rename(partial, os.path.join(folder, name))


def closed_by_peer(clients):
    closed = 0
    for client in clients:
        try:
            if client.recv(64, socket.MSG_DONTWAIT) == b"":
                closed += 1
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as error:
            if error.errno != errno.ENOTCONN:
                closed += 1
    return closed


def main():
    folder, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # Signals are taken one at a time with sigwait, not by handlers: one
    # that came just before a wait could otherwise be missed. A SIGTERM
    # while the clients are opened waits for them.
    signals = {signal.SIGUSR1, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    clients = []
    try:
        for _ in range(count):
            client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            client.setblocking(False)
            clients.append(client)
            client.connect_ex(("127.0.0.1", port))
    except OSError as error:
        answer(folder, "opened", f"error: cannot open client {len(clients) + 1} of {count}: {error.strerror}")
        return 1

    answer(folder, "opened", str(len(clients)))
    asked = 0
    while signal.sigwait(signals) == signal.SIGUSR1:
        asked += 1
        answer(folder, "closed", f"{asked} {closed_by_peer(clients)}")
    reset = struct.pack("ii", 1, 0)
    for client in clients:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, reset)
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
