#!/usr/bin/env python3
"""Loopback load benchmark of `nmt serve` (BENCHMARKS.md, "Serving").

Starts `nmt serve --model bench=MODEL` on 127.0.0.1, sends the first N lines of INPUT one sentence per
request from 1, 8 and 32 concurrent clients (threads with keep-alive connections), and prints
sentences/s and p50/p99 latency per level; then times `nmt translate` on the same N lines as a file.
Bounded: N requests per level and --max-seconds per level; loopback only; the server is stopped with
SIGTERM at the end (its exit status is checked).

With --url http://127.0.0.1:PORT[/root] it loads a server that is already running instead (OpenNMT-py's
onmt_server, say; Tools/peer-opennmt/compare-serve.sh does that): the same levels and lines, but no
/metrics (sentences per round print as n/a), no `nmt translate` timing, and the server is left running.
The host must be 127.0.0.1 or localhost. The root is OpenNMT-py's --url_root (default /translator) and
is used by --route onmt; --route v1 takes no root.

With --route onmt every answer must have OpenNMT-py's shape, [[{"src": ..., "tgt": ...}]] for the one
segment sent; any other answer counts as a failure ("malformed"), even with status 200 (onmt_server
answers its errors with 200 and {"error": ...}). A request that raises (connection reset, timeout)
counts as a failure named after the exception and the client reconnects.

    python3 Tools/serve-bench/serve_bench.py --model runs/m30k --input corpora/multi30k/test_2016_flickr.en
    python3 Tools/serve-bench/serve_bench.py --url http://127.0.0.1:5000/translator --route onmt --input FILE
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def start_server(nmt, model, port, extra):
    command = [nmt, "serve", "--model", f"bench={model}", "--host", "127.0.0.1", "--port", str(port)] + extra
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        for line in server.stderr:
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if match:
                threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()  # keep draining the log
                return server, int(match.group(1))
    except BaseException:  # interrupted while it starts: do not leave it behind
        server.terminate()
        server.wait(timeout=60)
        raise
    raise SystemExit(f"nmt serve did not start: exit {server.wait()}")


def parse_url(url, route):
    """(host, port, root) of --url, which must be http on the loopback with a port."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or port is None or parts.username or parts.query or parts.fragment:
        raise SystemExit(f"--url {url}: expected http://127.0.0.1:PORT[/root]")
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"--url {url}: loopback only, the host must be 127.0.0.1 or localhost")
    root = parts.path.rstrip("/")
    if root and route != "onmt":
        raise SystemExit(f"--url {url}: a root ({root}) is OpenNMT-py's --url_root and only --route onmt uses it")
    try:
        socket.create_connection((parts.hostname, port), timeout=10).close()
    except OSError as error:
        raise SystemExit(f"--url {url}: nothing answers there ({error})")
    return parts.hostname, port, root


def onmt_answer_ok(payload):
    """OpenNMT-py's answer to one segment: [[{"src": str, "tgt": str, ...}]], one inner list per n-best rank."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return False
    return (isinstance(answer, list) and len(answer) >= 1
            and all(isinstance(rank, list) and len(rank) == 1 for rank in answer)
            and all(isinstance(entry, dict) and isinstance(entry.get("src"), str) and isinstance(entry.get("tgt"), str)
                    for rank in answer for entry in rank))


def batch_totals(port):
    """(rounds, sentences) so far, from nmt_batch_sentences in /metrics."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    count = re.search(r'nmt_batch_sentences_count\{model="bench"\} (\S+)', text)
    total = re.search(r'nmt_batch_sentences_sum\{model="bench"\} (\S+)', text)
    return float(count.group(1)), float(total.group(1))


def run_level(port, route, sentences, clients, max_seconds, host="127.0.0.1", root=""):
    latencies, failures = [], []
    lock = threading.Lock()
    next_index = [0]
    deadline = time.monotonic() + max_seconds

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= len(sentences):
                break
            if route == "onmt":
                path, body = (root or "/translator") + "/translate", json.dumps([{"id": 100, "src": sentences[index]}])
            else:
                path, body = "/v1/translate", json.dumps({"q": [sentences[index]]})
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    failures.append(type(error).__name__)
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                continue
            elapsed = time.perf_counter() - started
            if response.status == 200 and route == "onmt" and not onmt_answer_ok(payload):
                with lock:
                    failures.append("malformed")
                continue
            with lock:
                (latencies if response.status == 200 else failures).append(elapsed if response.status == 200 else response.status)
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return len(latencies) / wall, percentile(latencies, 0.5), percentile(latencies, 0.99), len(latencies), failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--model", help="model directory (starts nmt serve with it)")
    target.add_argument("--url", help="load this running server instead: http://127.0.0.1:PORT[/root], loopback only")
    parser.add_argument("--input", required=True, help="one sentence per line")
    parser.add_argument("--nmt", default=".build/release/nmt")
    parser.add_argument("--sentences", type=int, default=400, help="requests per level (the first N lines)")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--route", choices=["v1", "onmt"], default="v1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=120, help="stop a level after this long")
    parser.add_argument("--warmup", type=int, default=20, help="requests sent before measuring")
    parser.add_argument("--server-arg", action="append", default=[], help="extra nmt serve flag (repeat)")
    args = parser.parse_args()
    if args.url and (args.server_arg or args.port):
        parser.error("--server-arg and --port start nmt serve; they do not go with --url")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the server

    with open(args.input, encoding="utf-8") as f:
        sentences = [line.rstrip("\n") for line in f][: args.sentences]
    if args.url:
        return load_running_server(args, sentences)
    server, port = start_server(args.nmt, args.model, args.port, args.server_arg)
    rows = []
    try:
        run_level(port, args.route, sentences[: args.warmup], 1, args.max_seconds)
        for clients in [int(c) for c in args.clients.split(",")]:
            rounds, total = batch_totals(port)
            rate, p50, p99, done, failures = run_level(port, args.route, sentences, clients, args.max_seconds)
            rounds_after, total_after = batch_totals(port)
            batch = (total_after - total) / max(rounds_after - rounds, 1)
            rows.append((clients, rate, p50, p99, done, failures))
            print(f"{clients:3d} clients: {rate:7.1f} sentences/s, p50 {p50 * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms, "
                  f"{batch:.1f} sentences per round ({done} answers, {len(failures)} failures {failure_kinds(failures)})", flush=True)
    finally:
        server.terminate()
        status = server.wait(timeout=60)
        print(f"nmt serve exited with {status} after SIGTERM", flush=True)

    path = f"/tmp/serve-bench-{os.getpid()}.txt"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(sentences) + "\n")
    started = time.perf_counter()
    subprocess.run([args.nmt, "translate", "--model", args.model, "--input", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    os.remove(path)
    print(f"nmt translate on the same {len(sentences)} lines as a file: {len(sentences) / seconds:.1f} sentences/s "
          f"({seconds:.2f} s, whole process)")
    return 0 if status == 0 and all(not row[5] for row in rows) else 1


def failure_kinds(failures):
    """The distinct failures, statuses in order first, then named ones (malformed, exceptions)."""
    return sorted(set(failures), key=lambda failure: (isinstance(failure, str), failure))


def load_running_server(args, sentences):
    """--url: the levels against a server started elsewhere; nothing read from /metrics, nothing stopped."""
    host, port, root = parse_url(args.url, args.route)
    path = (root or "/translator") + "/translate" if args.route == "onmt" else "/v1/translate"
    print(f"server at http://{host}:{port} (already running, left running), POST {path}", flush=True)
    rows = []
    run_level(port, args.route, sentences[: args.warmup], 1, args.max_seconds, host, root)
    for clients in [int(c) for c in args.clients.split(",")]:
        rate, p50, p99, done, failures = run_level(port, args.route, sentences, clients, args.max_seconds, host, root)
        rows.append((clients, rate, p50, p99, done, failures))
        print(f"{clients:3d} clients: {rate:7.1f} sentences/s, p50 {p50 * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms, "
              f"n/a sentences per round ({done} answers, {len(failures)} failures {failure_kinds(failures)})", flush=True)
    return 0 if all(not row[5] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
