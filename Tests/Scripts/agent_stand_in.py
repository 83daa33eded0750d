#!/usr/bin/env python3
"""A stand-in Sluice agent for the client's tests, built on the `websockets`
library (PyPI), so that Sluice's WebSocket client meets a peer it did not
write. It speaks docs/agent-protocol.md:

  GET /api/v1/forward/{project}/{service}/{port}  upgraded to a WebSocket;
  binary frames relayed to and from 127.0.0.1:{port} (or the host the
  service names); an empty binary frame ends one direction when the client
  offered `sluice.v1`; 1011 with a reason when the target refuses.

Driven by argv only:

  agent_stand_in.py PORT_FILE LOG_FILE [--port N] [--token T]
      [--service PROJECT/SERVICE[=HOST]]... [--phase PROJECT=PHASE]...
      [--no-half-close] [--full] [--tls-cert PEM --tls-key PEM]

It listens on 127.0.0.1 (port N, or one the kernel picks; with TLS when
given a certificate and key) and writes the
port to PORT_FILE once it listens (renamed into place). Each upgrade
request it sees goes to LOG_FILE as one JSON line: path, the subprotocols
offered, the Authorization header, the subprotocol chosen.
"""
import argparse
import asyncio
import http
import json
import os
import re
import ssl
import sys

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response

NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$")
PORT = re.compile(r"^[1-9][0-9]{0,4}$")
HALF_CLOSE = "sluice.v1"


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file")
    parser.add_argument("log_file")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token")
    parser.add_argument("--service", action="append", default=[])
    parser.add_argument("--phase", action="append", default=[])
    parser.add_argument("--no-half-close", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    return parser.parse_args()


ARGUMENTS = parse_arguments()
SERVICES = {}
for entry in ARGUMENTS.service:
    name, _, host = entry.partition("=")
    SERVICES[name] = host or "127.0.0.1"
PHASES = dict(entry.split("=", 1) for entry in ARGUMENTS.phase)


def log(record):
    with open(ARGUMENTS.log_file, "a") as file:
        file.write(json.dumps(record) + "\n")


def error(status, message, extra=()):
    body = json.dumps({"message": message}).encode()
    headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra])
    return Response(status.value, status.phrase, headers, body)


def route(path):
    """(project, service, port) of a forward path, or None."""
    parts = path.split("/")
    if len(parts) != 7 or parts[:4] != ["", "api", "v1", "forward"]:
        return None
    project, service, port = parts[4:]
    if not (NAME.match(project) and NAME.match(service) and PORT.match(port) and int(port) <= 65535):
        return None
    return project, service, int(port)


def process_request(connection, request):
    log({
        "path": request.path,
        "subprotocols": request.headers.get("Sec-WebSocket-Protocol"),
        "authorization": request.headers.get("Authorization"),
    })
    if ARGUMENTS.token is not None:
        given = request.headers.get("Authorization")
        if given is None:
            return error(http.HTTPStatus.UNAUTHORIZED, "a token is required", [("WWW-Authenticate", "Bearer")])
        if given != "Bearer " + ARGUMENTS.token:
            return error(http.HTTPStatus.UNAUTHORIZED, "the token is wrong", [("WWW-Authenticate", "Bearer")])
    found = route(request.path)
    if found is None:
        return error(http.HTTPStatus.BAD_REQUEST, f"not a forward path: {request.path}")
    project, service, _ = found
    if not any(name.split("/")[0] == project for name in SERVICES):
        return error(http.HTTPStatus.NOT_FOUND, f"no project {project}")
    if f"{project}/{service}" not in SERVICES:
        return error(http.HTTPStatus.NOT_FOUND, f"no service {service} in {project}")
    phase = PHASES.get(project, "Running")
    if phase != "Running":
        return error(http.HTTPStatus.CONFLICT, f"{project} is {phase}: no container to connect to yet")
    if ARGUMENTS.full:
        return error(http.HTTPStatus.SERVICE_UNAVAILABLE, "the agent is at its connection limit (0 streams)")
    return None


async def relay(websocket):
    project, service, port = route(websocket.request.path)
    half_close = websocket.subprotocol == HALF_CLOSE
    log({"chosen": websocket.subprotocol})
    try:
        reader, writer = await asyncio.open_connection(SERVICES[f"{project}/{service}"], port)
    except OSError as failure:
        word = "connection refused" if isinstance(failure, ConnectionRefusedError) else str(failure)
        await websocket.close(1011, f"{word} by localhost:{port} in {project}/{service}")
        return

    async def upstream():
        """WebSocket to the target; an empty frame is the client's FIN."""
        try:
            async for message in websocket:
                if isinstance(message, str):
                    await websocket.close(1003, "text frames are not data")
                    return
                if half_close and message == b"":
                    writer.write_eof()
                    return
                writer.write(message)
                await writer.drain()
        except ConnectionClosed:
            pass
        except OSError:
            pass
        writer.close()

    async def downstream():
        """The target to the WebSocket; its EOF is an empty frame (or the close)."""
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    if half_close:
                        await websocket.send(b"")
                    else:
                        await websocket.close(1000)
                    return
                await websocket.send(data)
        except (ConnectionClosed, OSError):
            pass

    await asyncio.gather(upstream(), downstream())
    await websocket.close(1000)
    writer.close()


async def main():
    subprotocols = None if ARGUMENTS.no_half_close else [HALF_CLOSE]
    tls = None
    if ARGUMENTS.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(ARGUMENTS.tls_cert, ARGUMENTS.tls_key)
    async with serve(relay, "127.0.0.1", ARGUMENTS.port, process_request=process_request,
                     subprotocols=subprotocols, max_size=2**20, compression=None, ssl=tls) as server:
        port = server.sockets[0].getsockname()[1]
        with open(ARGUMENTS.port_file + ".new", "w") as file:
            file.write(str(port))
        os.rename(ARGUMENTS.port_file + ".new", ARGUMENTS.port_file)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
