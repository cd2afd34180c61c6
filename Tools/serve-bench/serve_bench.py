#!/usr/bin/env python3
"""Loopback load benchmark of `nmt serve` (BENCHMARKS.md, "Serving").

Starts `nmt serve --model bench=MODEL` on 127.0.0.1, sends the first N lines of INPUT one sentence per
request from 1, 8 and 32 concurrent clients (threads with keep-alive connections), and prints
sentences/s and p50/p99 latency per level; then times `nmt translate` on the same N lines as a file.
Bounded: N requests per level and --max-seconds per level; loopback only; the server is stopped with
SIGTERM at the end (its exit status is checked).

    python3 Tools/serve-bench/serve_bench.py --model runs/m30k --input corpora/multi30k/test_2016_flickr.en
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def start_server(nmt, model, port, extra):
    command = [nmt, "serve", "--model", f"bench={model}", "--host", "127.0.0.1", "--port", str(port)] + extra
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if match:
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()  # keep draining the log
            return server, int(match.group(1))
    raise SystemExit(f"nmt serve did not start: exit {server.wait()}")


def batch_totals(port):
    """(rounds, sentences) so far, from nmt_batch_sentences in /metrics."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    count = re.search(r'nmt_batch_sentences_count\{model="bench"\} (\S+)', text)
    total = re.search(r'nmt_batch_sentences_sum\{model="bench"\} (\S+)', text)
    return float(count.group(1)), float(total.group(1))


def run_level(port, route, sentences, clients, max_seconds):
    latencies, failures = [], []
    lock = threading.Lock()
    next_index = [0]
    deadline = time.monotonic() + max_seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= len(sentences):
                break
            if route == "onmt":
                path, body = "/translator/translate", json.dumps([{"id": 100, "src": sentences[index]}])
            else:
                path, body = "/v1/translate", json.dumps({"q": [sentences[index]]})
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if response.status == 200 else failures).append(elapsed if response.status == 200 else response.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return len(latencies) / wall, percentile(latencies, 0.5), percentile(latencies, 0.99), len(latencies), failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="model directory")
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

    with open(args.input, encoding="utf-8") as f:
        sentences = [line.rstrip("\n") for line in f][: args.sentences]
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
                  f"{batch:.1f} sentences per round ({done} answers, {len(failures)} failures {sorted(set(failures))})", flush=True)
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


if __name__ == "__main__":
    sys.exit(main())
