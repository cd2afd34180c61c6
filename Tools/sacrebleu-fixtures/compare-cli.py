#!/usr/bin/env python3
"""Randomised check that `nmt bleu` prints what `sacrebleu` prints.

    pip install sacrebleu==2.6.0 && swift build -c release
    python3 Tools/sacrebleu-fixtures/compare-cli.py --trials 300 [--corpus ../shared/corpora/multi30k]

Each trial writes a reference set and a hypothesis set to a temporary directory, made from random
corpus lines with random edits (shuffled lines, dropped/duplicated/replaced words, inserted punctuation,
digits, HTML escapes, symbols and non-Latin text, case changes, empty lines, trailing whitespace, one to
three references), picks random options, runs both command lines with 4 decimals and compares the
numbers. It prints the largest difference seen and exits 1 if one exceeds --tolerance (0.01).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
NOISE = [".", ",", "!", "?", "...", "-", "--", "'", "\"", "(", ")", "&quot;", "&amp;", "&lt;", "&gt;", "<skipped>",
         "3.5", "1,000", "10-20", "1990.", "€", "$", "%", "«", "»", "—", "。", "，", "你好", "世界", "Привет", "ΟΔΟΣ",
         "ΣΑΣ", "नमस्ते", "مرحبا", "İstanbul", "café", "café", "👍🏽", "\u00a0", "ß", "ﬁ", "Ⅻ", "½",
         "a\x0bb", "c\x85d", "e\u2028f", "g\u200bh", "ǅ", "ΣΑΣ.", "x\ry", "1.5.", "2-3-4", "U.S.", "http://a.b/c?d=e"]


def noisy(line, rng):
    words = line.split()
    for _ in range(rng.randint(0, 4)):
        op = rng.random()
        if op < 0.2 and words:
            del words[rng.randrange(len(words))]
        elif op < 0.4 and words:
            words.insert(rng.randrange(len(words) + 1), rng.choice(words))
        elif op < 0.6:
            words.insert(rng.randrange(len(words) + 1), rng.choice(NOISE))
        elif op < 0.7 and words:
            i = rng.randrange(len(words))
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i].lower()
        elif op < 0.8 and words:
            i = rng.randrange(len(words))
            words[i] = words[i] + rng.choice(NOISE)
        elif len(words) > 1:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    text = " ".join(words)
    if rng.random() < 0.1:
        text += rng.choice([" ", "  ", "\t", "\u00a0", "\r", "\u3000"])
    return text


def make_trial(rng, corpus_lines, directory):
    n = rng.choice([1, 2, 5, 20, 100, 300])
    start = rng.randrange(len(corpus_lines) - n)
    refs = corpus_lines[start:start + n]
    hyps = [noisy(r, rng) for r in refs]
    if rng.random() < 0.3:  # shuffle some hypothesis lines
        idx = list(range(n))
        rng.shuffle(idx)
        k = rng.randint(1, n)
        chosen = sorted(idx[:k])
        moved = chosen[:]
        rng.shuffle(moved)
        new = hyps[:]
        for a, b in zip(chosen, moved):
            new[a] = hyps[b]
        hyps = new
    empties = rng.choice([0.0, 0.05, 0.3])
    hyps = ["" if rng.random() < empties else h for h in hyps]
    if rng.random() < 0.05:
        hyps = [""] * n
    ref_streams = [refs]
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        ref_streams.append([noisy(r, rng) if rng.random() > 0.1 else "" for r in refs])
    paths = []
    for k, stream in enumerate(ref_streams):
        path = os.path.join(directory, f"ref{k}.txt")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(stream) + "\n")
        paths.append(path)
    hyp_path = os.path.join(directory, "hyp.txt")
    with open(hyp_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(hyps) + ("\n" if rng.random() < 0.8 else ""))
    return hyp_path, paths


def run(command):
    """The numbers printed, or None when the command exits non-zero."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return [float(x) for x in result.stdout.split()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpora", "multi30k"))
    parser.add_argument("--nmt", default=os.path.join(ROOT, ".build", "release", "nmt"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpus_lines = []
    for name in ("test_2016_flickr.de", "test_2016_flickr.en", "test_2016_flickr.fr", "test_2016_flickr.cs"):
        with open(os.path.join(args.corpus, name), encoding="utf-8") as f:
            corpus_lines += f.read().split("\n")[:-1]
    worst = {"bleu": 0.0, "chrf": 0.0, "sentence": 0.0}
    failures = 0
    rejected = 0
    with tempfile.TemporaryDirectory() as directory:
        for trial in range(args.trials):
            hyp, refs = make_trial(rng, corpus_lines, directory)
            tok = rng.choice(["13a", "13a", "intl", "char", "none"])
            smooth = rng.choice(["exp", "exp", "floor", "add-k", "none"])
            lowercase = rng.random() < 0.3
            word_order = rng.choice([0, 0, 2])
            sentence = rng.random() < 0.15
            ours_bleu = [args.nmt, "bleu", *refs, "--input", hyp, "-b", "--tokenize", tok, "--smooth", smooth]
            theirs_bleu = ["sacrebleu", *refs, "-i", hyp, "-b", "-w", "4", "-q", "--tokenize", tok, "-s", smooth]
            ours_chrf = [args.nmt, "bleu", *refs, "--input", hyp, "-b", "--no-bleu", "--chrf",
                         "--chrf-word-order", str(word_order)]
            theirs_chrf = ["sacrebleu", *refs, "-i", hyp, "-b", "-w", "4", "-q", "-m", "chrf",
                           "--chrf-word-order", str(word_order)]
            if lowercase:
                ours_bleu.append("--lowercase"); ours_chrf.append("--lowercase")
                theirs_bleu.append("-lc"); theirs_chrf.append("--chrf-lowercase")
            if sentence:
                ours_bleu.append("--sentence"); theirs_bleu.append("-sl")
            label = f"trial {trial}: tok={tok} smooth={smooth} lc={lowercase} nw={word_order} sentence={sentence} refs={len(refs)}"
            for key, ours, theirs in (("sentence" if sentence else "bleu", ours_bleu, theirs_bleu),
                                      ("chrf", ours_chrf, theirs_chrf)):
                a, b = run(ours), run(theirs)
                if a is None and b is None:
                    rejected += 1  # both refuse the input, e.g. a last empty line without "\n"
                    continue
                if a is None or b is None or len(a) != len(b):
                    print(f"{label}: {key} gave {len(a)} numbers vs {len(b)}", file=sys.stderr)
                    failures += 1
                    continue
                diff = max(abs(x - y) for x, y in zip(a, b))
                worst[key] = max(worst[key], diff)
                if diff > args.tolerance:
                    failures += 1
                    print(f"{label}: {key} differs by {diff} ({a[:3]} vs {b[:3]})", file=sys.stderr)
                    os.makedirs("/tmp/compare-cli-failures", exist_ok=True)
                    for p in [hyp, *refs]:
                        subprocess.run(["cp", p, f"/tmp/compare-cli-failures/{trial}-{os.path.basename(p)}"])
    print(f"{args.trials} trials, max |nmt - sacrebleu|: corpus BLEU {worst['bleu']:.6f}, "
          f"sentence BLEU {worst['sentence']:.6f}, chrF {worst['chrf']:.6f}; failures: {failures}; "
          f"inputs both refused: {rejected}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
