#!/usr/bin/env python3
"""A WebSocket client for Sluice's agent tests, built on the Python
`websockets` library (PyPI, 13 or later): a peer that no one here wrote.

Driven by argv only:

    agent_client.py URL [--header NAME:VALUE]... [--protocol NAME]...
                    [--cafile PEM] [--save FILE] [--timeout SECONDS] STEP...

It receives in the background from the moment the connection opens, and
performs the steps in order:

    send-file:PATH   the file's bytes as binary frames of up to 64 KiB
    send-bytes:N     one binary frame of N bytes (zeros)
    send-text:TEXT   one text frame
    end              an empty binary frame (the half-close of sluice.v1)
    ping             a ping, and waits for its pong
    close[:CODE]     starts the close handshake (1000 unless told)
    wait-eof         waits for the agent's next empty binary frame
    wait-bytes:N     waits until N bytes have come
    wait-close       waits until the agent closes
    sleep:SECONDS

and prints one JSON object: on an HTTP refusal {"status", "headers",
"body"}; else {"status": 101, "subprotocol", "received" (bytes), "eof"
(an empty frame came), "eofs" (how many), "receivedAtEof", "pongs", "closeCode",
"closeReason"}. --save writes the bytes received to FILE.
"""

import asyncio
import json
import ssl
import sys

try:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus
except ImportError:
    sys.exit("agent_client.py needs the websockets library, 13 or later (pip install websockets)")


def parse(argv):
    options = {"headers": [], "protocols": [], "cafile": None, "save": None, "timeout": 30.0}
    url, steps, index = None, [], 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("--header", "--protocol", "--cafile", "--save", "--timeout"):
            value = argv[index + 1]
            index += 2
            if arg == "--header":
                name, _, header_value = value.partition(":")
                options["headers"].append((name.strip(), header_value.strip()))
            elif arg == "--protocol":
                options["protocols"].append(value)
            elif arg == "--timeout":
                options["timeout"] = float(value)
            else:
                options[arg[2:]] = value
            continue
        if url is None:
            url = arg
        else:
            steps.append(arg)
        index += 1
    if url is None:
        sys.exit(__doc__)
    return url, steps, options


class Receiver:
    def __init__(self, save):
        self.received = 0
        self.eof = False
        self.eofs = 0
        self.received_at_eof = None
        self.chunks = [] if save else None
        self.changed = asyncio.Event()

    async def run(self, ws):
        try:
            async for message in ws:
                if isinstance(message, str):
                    message = message.encode()
                if len(message) == 0:
                    self.eof = True
                    self.eofs += 1
                    self.received_at_eof = self.received
                else:
                    self.received += len(message)
                    if self.chunks is not None:
                        self.chunks.append(message)
                self.changed.set()
        except ConnectionClosed:
            pass
        self.changed.set()

    async def wait(self, done):
        while not done():
            self.changed.clear()
            await self.changed.wait()


async def run(url, steps, options):
    context = None
    if url.startswith("wss:"):
        context = ssl.create_default_context(cafile=options["cafile"])
    try:
        ws = await connect(url, additional_headers=options["headers"], subprotocols=options["protocols"] or None,
                           ssl=context, proxy=None, ping_interval=None, max_size=None, open_timeout=10, close_timeout=10)
    except InvalidStatus as refusal:
        response = refusal.response
        return {"status": response.status_code, "headers": {k.lower(): v for k, v in response.headers.raw_items()},
                "body": response.body.decode("utf-8", "replace")}
    receiver = Receiver(options["save"])
    receiving = asyncio.create_task(receiver.run(ws))
    pongs = 0
    eofs_awaited = 0
    for step in steps:
        verb, _, argument = step.partition(":")
        if verb == "send-file":
            with open(argument, "rb") as source:
                while chunk := source.read(64 << 10):
                    await ws.send(chunk)
        elif verb == "send-bytes":
            await ws.send(bytes(int(argument)))
        elif verb == "send-text":
            await ws.send(argument)
        elif verb == "end":
            await ws.send(b"")
        elif verb == "ping":
            waiter = await ws.ping()
            await waiter
            pongs += 1
        elif verb == "close":
            await ws.close(code=int(argument or 1000))
        elif verb == "wait-eof":
            eofs_awaited += 1
            await receiver.wait(lambda: receiver.eofs >= eofs_awaited or ws.close_code is not None)
        elif verb == "wait-bytes":
            await receiver.wait(lambda: receiver.received >= int(argument) or ws.close_code is not None)
        elif verb == "wait-close":
            await ws.wait_closed()
        elif verb == "sleep":
            await asyncio.sleep(float(argument))
        else:
            sys.exit(f"unknown step {step!r}")
    await ws.close()
    await receiving
    if options["save"]:
        with open(options["save"], "wb") as sink:
            sink.write(b"".join(receiver.chunks))
    return {"status": 101, "subprotocol": ws.subprotocol, "received": receiver.received, "eof": receiver.eof,
            "eofs": receiver.eofs, "receivedAtEof": receiver.received_at_eof, "pongs": pongs,
            "closeCode": ws.close_code, "closeReason": ws.close_reason}


def main():
    url, steps, options = parse(sys.argv[1:])
    try:
        result = asyncio.run(asyncio.wait_for(run(url, steps, options), options["timeout"]))
    except asyncio.TimeoutError:
        result = {"error": f"timed out after {options['timeout']} s"}
    except Exception as error:
        result = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
