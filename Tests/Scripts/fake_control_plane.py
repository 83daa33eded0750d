#!/usr/bin/env python3
"""A fake control plane for the client's resolution tests: Python's
http.server answering the two GETs of docs/agent-protocol.md from argv.

  fake_control_plane.py PORT_FILE LOG_FILE [--token T]
      [--project NAME=PHASE[:NODE]]... [--node NAME=IP[:AGENT_PORT]]...

With --overrides FILE, each request first reads FILE if it exists: lines
"project NAME=PHASE[:NODE]" and "node NAME=IP[:AGENT_PORT]" that replace
the entries of that name (a project moved to another node).

It listens on 127.0.0.1, on a port the kernel picks, writes the port to
PORT_FILE (renamed into place), and logs each request as a JSON line
(path, Authorization) to LOG_FILE, so a test can tell it was never asked.
"""
import argparse
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("port_file")
parser.add_argument("log_file")
parser.add_argument("--token")
parser.add_argument("--project", action="append", default=[])
parser.add_argument("--node", action="append", default=[])
parser.add_argument("--overrides")
ARGUMENTS = parser.parse_args()

PROJECTS = {}
NODES = {}


def add_project(entry):
    name, _, rest = entry.partition("=")
    phase, _, node = rest.partition(":")
    status = {"phase": phase}
    if node:
        status["nodeRef"] = node
    PROJECTS[name] = {"name": name, "status": status}


def add_node(entry):
    name, _, rest = entry.partition("=")
    ip, _, port = rest.partition(":")
    network = {"ip": ip}
    if port:
        network["agentPort"] = int(port)
    NODES[name] = {"name": name, "status": {"network": network}}


for entry in ARGUMENTS.project:
    add_project(entry)
for entry in ARGUMENTS.node:
    add_node(entry)


def read_overrides():
    if not ARGUMENTS.overrides or not os.path.exists(ARGUMENTS.overrides):
        return
    with open(ARGUMENTS.overrides) as file:
        for line in file:
            kind, _, entry = line.strip().partition(" ")
            if kind == "project":
                add_project(entry)
            elif kind == "node":
                add_node(entry)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        read_overrides()
        with open(ARGUMENTS.log_file, "a") as file:
            file.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization")}) + "\n")
        if ARGUMENTS.token is not None and self.headers.get("Authorization") != "Bearer " + ARGUMENTS.token:
            return self.answer(401, {"message": "a valid token is required"})
        parts = self.path.split("/")
        if len(parts) == 5 and parts[:3] == ["", "api", "v1"]:
            table = {"projects": PROJECTS, "nodes": NODES}.get(parts[3])
            if table is not None and parts[4] in table:
                return self.answer(200, table[parts[4]])
            if table is not None:
                return self.answer(404, {"message": f"{parts[3][:-1]} {parts[4]} not found"})
        self.answer(404, {"message": "not found"})

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(ARGUMENTS.port_file + ".new", "w") as file:
    file.write(str(server.server_address[1]))
os.rename(ARGUMENTS.port_file + ".new", ARGUMENTS.port_file)
server.serve_forever()
