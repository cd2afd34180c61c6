#!/usr/bin/env python3
"""Reference timings for BENCHMARKS.md ("Tokenization"): sacremoses and pyonmttok tokenize throughput on
FILE (best of 5, in process, file already in memory), and subword-nmt learn-bpe time for 10,000 merges
on FILE + FILE2. Usage: python3 compare.py FILE FILE2   (pip install sacremoses pyonmttok subword-nmt)"""
import io, subprocess, sys, time

def best(runs, body):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return min(times)

first, second = sys.argv[1], sys.argv[2]
lines = open(first, encoding="utf-8").read().split("\n")[:-1]
mb = sum(len(l.encode("utf-8")) + 1 for l in lines) / 1e6

from sacremoses import MosesTokenizer
moses = MosesTokenizer(lang="en")
t = best(5, lambda: [moses.tokenize(l, escape=False) for l in lines])
print(f"sacremoses tokenize: {t:.2f} s = {mb / t:.2f} MB/s")

import pyonmttok
for mode in ["conservative", "aggressive"]:
    onmt = pyonmttok.Tokenizer(mode, joiner_annotate=True)
    t = best(5, lambda: [onmt.tokenize(l) for l in lines])
    print(f"pyonmttok {mode} (joiner_annotate) tokenize: {t:.2f} s = {mb / t:.2f} MB/s")
    t = best(5, lambda: onmt.tokenize_batch(lines))
    print(f"pyonmttok {mode} tokenize_batch: {t:.2f} s = {mb / t:.2f} MB/s")

# subword-nmt learns from whitespace-separated text; give it the same words our tokenizer learns from.
onmt = pyonmttok.Tokenizer("aggressive")
text = "\n".join(" ".join(onmt.tokenize(l)[0]) for path in (first, second)
                 for l in open(path, encoding="utf-8").read().split("\n")[:-1]) + "\n"
start = time.perf_counter()
subprocess.run([sys.executable, "-m", "subword_nmt.learn_bpe", "-s", "10000", "-o", "/dev/null"],
               input=text.encode("utf-8"), check=True)
print(f"subword-nmt learn-bpe -s 10000 ({first} + {second}): {time.perf_counter() - start:.2f} s")
