"""What splice(2) would save a relay: one download hop, measured both ways.

Usage: python3 bench/experiments/splice_relay.py [MIB] [ROUNDS]

A source process sends MIB mebibytes (default 2048); a relay process passes
them on to this process, either with read/write copies through a buffer
(what swift-nio's channels do) or with splice(2) through a pipe (socket to
pipe to socket: the bytes are never copied to user memory). The two
relays take turns for ROUNDS rounds (default 3); each transfer prints its
rate and the relay's CPU per GiB. Python is fine for this: the relay spends
its time in the kernel, not in the interpreter (its user time is printed).

An experiment for the agent transport's throughput (README, "The agent
transport"), not part of `make bench`. Every process it starts is its own
child, stopped when it ends.
"""

import fcntl
import multiprocessing
import os
import resource
import socket
import sys
import time

CHUNK = 1 << 20
F_SETPIPE_SZ = 1031


def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    return server


def source(server, mebibytes):
    data = b"\x5a" * CHUNK
    while True:
        connection, _ = server.accept()
        for _ in range(mebibytes):
            connection.sendall(data)
        connection.close()


def relay(server, source_port, mode, report):
    while True:
        client, _ = server.accept()
        upstream = socket.create_connection(("127.0.0.1", source_port))
        before = resource.getrusage(resource.RUSAGE_SELF)
        total = 0
        if mode == "splice":
            read_end, write_end = os.pipe()
            fcntl.fcntl(write_end, F_SETPIPE_SZ, CHUNK)
            while True:
                moved = os.splice(upstream.fileno(), write_end, CHUNK)
                if moved == 0:
                    break
                total += moved
                while moved:
                    moved -= os.splice(read_end, client.fileno(), moved)
            os.close(read_end)
            os.close(write_end)
        else:
            buffer = bytearray(CHUNK)
            view = memoryview(buffer)
            while True:
                count = upstream.recv_into(buffer)
                if count == 0:
                    break
                total += count
                client.sendall(view[:count])
        after = resource.getrusage(resource.RUSAGE_SELF)
        client.close()
        upstream.close()
        report.put((after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, total))


def download(port):
    buffer = bytearray(CHUNK)
    started = time.monotonic()
    connection = socket.create_connection(("127.0.0.1", port))
    total = 0
    while True:
        count = connection.recv_into(buffer)
        if count == 0:
            break
        total += count
    return total, time.monotonic() - started


def main():
    mebibytes = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    source_server = listener()
    processes = [multiprocessing.Process(target=source, args=(source_server, mebibytes), daemon=True)]
    relays = {}
    report = multiprocessing.Queue()
    for mode in ("copy", "splice"):
        server = listener()
        relays[mode] = server.getsockname()[1]
        processes.append(multiprocessing.Process(target=relay, args=(server, source_server.getsockname()[1], mode, report), daemon=True))
    for process in processes:
        process.start()
    try:
        for round_number in range(1, rounds + 1):
            for mode, port in relays.items():
                total, seconds = download(port)
                user, system, relayed = report.get(timeout=600)
                gib = relayed / (1 << 30)
                print(f"round {round_number} {mode:6}: {total / seconds / 1e6:5.0f} MB/s, "
                      f"relay CPU {(user + system) / gib:.2f} s per GiB (user {user / gib:.2f})", flush=True)
    finally:
        for process in processes:
            process.terminate()
            process.join()


if __name__ == "__main__":
    main()
