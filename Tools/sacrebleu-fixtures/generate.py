#!/usr/bin/env python3
"""Generates the fixtures of Tests/EvaluationTests from sacreBLEU itself.

Run once by hand (CI does not need Python):

    pip install sacrebleu==2.6.0
    python3 Tools/sacrebleu-fixtures/generate.py

It writes Tests/Fixtures/evaluation/{tokenizers,bleu,chrf}.json: the inputs, and what sacreBLEU
computes from them (tokens, per-sentence sufficient statistics, corpus and sentence scores, signatures
and formatted lines). All text is made up here; nothing comes from a corpus. The random part is seeded,
so running it again gives the same files.
"""
import json
import os
import re
import platform
import random
import sys

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.metrics.bleu import _get_tokenizer

assert sacrebleu.__version__ == "2.6.0", f"expected sacrebleu 2.6.0, found {sacrebleu.__version__}"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "evaluation")
TOKENIZERS = ["13a", "intl", "char", "none"]
SMOOTHINGS = ["exp", "floor", "add-k", "none"]

# Lines that exercise every rule of the tokenizers and of Python's text handling.
TRICKY = [
    "",
    " ",
    "Hello, world!",
    "The cat sat on the mat.",
    "He said &quot;hi&quot; &amp; left &lt;quietly&gt; .",
    "&amp;lt; is not &lt; but becomes it; &AMP; stays, &unknown; too",
    "A <skipped> word and <skipped><skipped> twice",
    "Prices rose 3.5% to $1,000.50 in 1990.",
    "Pages 10-20, years 1990-1995, a-b and 1-2-3 - x",
    "Ends with a year 2024.",
    "Wait... what?! No!!! (really) [yes] {maybe} <tag> 'quoted' \"double\"",
    "--- *** ;;; ::: ~~~ ___ ``` ^^^ |||",
    "a.b,c .5 ,5 5. 5, x.y. 3.14.15",
    "Γειά σου Κόσμε! ΟΔΟΣ ΣΟΦΙΑΣ",
    "Привет, мир! Это тест.",
    "你好，世界。我是一只猫！",
    "日本語のテキスト「引用」です。",
    "مرحبا بالعالم، كيف حالك؟",
    "नमस्ते दुनिया। यह एक परीक्षण है॥",
    "สวัสดีครับ ประเทศไทย ๑๒๓",
    "İstanbul'da IŞIK ve ıșık",
    "café café naïve coöperate",  # precomposed é, then e + U+0301
    "emoji 👍🏽 👨‍👩‍👧 ♥ € £ ¥ © ® ™ ± × ÷ ∞ ≠ →",
    "tabs\tand  double  spaces\u00a0nbsp\u3000ideographic\u2009thin",
    "trailing spaces   ",
    "trailing tab\t",
    "trailing nbsp\u00a0",
    "trailing CR\r",
    "zero\u200bwidth space and soft\u00adhyphen",
    "number ¹²³ ½ Ⅻ ٣٤٥ and 12.5km 1,5 1.000.000",
    "quotes «guillemets» „German“ “curly” ‘single’ — em – en",
    "math a+b=c 2^3 x<y>z a/b a\\b a|b a@b a#b",
    "O'Neill's don't can't rock'n'roll",
    "U.S.A. e.g. i.e. etc. Dr. Smith",
    "www.example.com/path?q=1&r=2 user@mail.org",
    "ΣΑΣ ΑΣ. Σ σ ς ΌΣΟΣ",
    "ǅungla ǈudevit ǋeko ẞ ß ﬁ",
]


def tokenizer_fixtures():
    cases = []
    for name in TOKENIZERS:
        tok = _get_tokenizer(name)()
        for line in TRICKY:
            # BLEU strips trailing whitespace before tokenizing; record the tokenizer's own output.
            cases.append({"tokenizer": name, "input": line, "tokens": tok(line).split()})
    lowercase = [{"input": line, "lowercased": line.lower()} for line in TRICKY]
    return {"tokenizers": cases, "lowercase": lowercase}


def random_corpus(rng, size):
    """Hypothesis/reference pairs built from a mixed vocabulary with random edits."""
    words = ("the a cat dog sat on mat is was red blue big small man woman child house tree runs walks "
             "and or but with in of to from Der die das Hund Katze läuft über Straße schön "
             "ελληνικά λόγος ΟΔΟΣ Москва город 北京 你好 世界 日本 東京 مرحبا دنيا नमस्ते भारत "
             "3.5 1,000 10-20 1990 U.S. e.g. don't O'Neill").split()
    punct = [".", ",", "!", "?", "...", ";", ":", "(", ")", "\"", "'", "-", "&quot;", "&amp;", "&lt;",
             "&gt;", "<skipped>", "—", "«", "»", "。", "，", "€", "%", "$"]
    hyps, refs = [], []
    for _ in range(size):
        n = rng.randint(0, 18)
        ref = [rng.choice(words) if rng.random() > 0.2 else rng.choice(punct) for _ in range(n)]
        hyp = list(ref)
        for _ in range(rng.randint(0, 5)):
            op = rng.random()
            if op < 0.3 and hyp:
                del hyp[rng.randrange(len(hyp))]
            elif op < 0.6:
                hyp.insert(rng.randint(0, len(hyp)), rng.choice(words + punct))
            elif op < 0.8 and hyp:
                hyp[rng.randrange(len(hyp))] = rng.choice(words)
            elif len(hyp) > 1:
                i = rng.randrange(len(hyp) - 1)
                hyp[i], hyp[i + 1] = hyp[i + 1], hyp[i]

        def join(tokens):
            text = ""
            for t in tokens:
                sep = "" if (text == "" or (t in ".,!?;:)" and rng.random() < 0.8)) else " "
                text += sep + t
            if rng.random() < 0.1:
                text += rng.choice([" ", "  ", "\t", "\u00a0"])
            return text

        refs.append(join(ref))
        hyps.append(join(hyp) if rng.random() > 0.05 else "")
    return hyps, refs


def bleu_result(score, sig):
    return {
        "score": score.score, "precisions": score.precisions, "bp": score.bp, "ratio": score.ratio,
        "hyp_len": score.sys_len, "ref_len": score.ref_len, "signature": sig,
        "formatted": score.format(width=1, signature=sig),
    }


def bleu_run(hyps, refs, tokenize, smooth, lowercase=False, effective_order=False, sentences=True):
    metric = BLEU(tokenize=tokenize, smooth_method=smooth, lowercase=lowercase, effective_order=effective_order)
    segments = metric._extract_corpus_statistics(hyps, refs)
    score = metric.corpus_score(hyps, refs)
    sig = metric.get_signature().format()
    run = {"tokenize": tokenize, "smooth": smooth, "lowercase": lowercase, "effective_order": effective_order,
           "segments": [[int(x) for x in s] for s in segments], "corpus": bleu_result(score, sig)}
    if sentences:
        run["sentences"] = []
        for i, hyp in enumerate(hyps):
            s = metric.sentence_score(hyp, [stream[i] for stream in refs])
            run["sentences"].append({"score": s.score, "precisions": s.precisions, "bp": s.bp,
                                     "hyp_len": s.sys_len, "ref_len": s.ref_len})
    return run


def chrf_run(hyps, refs, char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False, eps=False):
    metric = CHRF(char_order=char_order, word_order=word_order, beta=beta, lowercase=lowercase,
                  whitespace=whitespace, eps_smoothing=eps)
    segments = metric._extract_corpus_statistics(hyps, refs)
    score = metric.corpus_score(hyps, refs)
    sig = metric.get_signature().format()
    sentences = [metric.sentence_score(h, [stream[i] for stream in refs]).score for i, h in enumerate(hyps)]
    return {"char_order": char_order, "word_order": word_order, "beta": beta, "lowercase": lowercase,
            "whitespace": whitespace, "eps_smoothing": eps,
            "segments": [[int(x) for x in s] for s in segments],
            "corpus": {"score": score.score, "name": score.name, "signature": sig,
                       "formatted": score.format(width=1, signature=sig)},
            "sentences": sentences}


def cases(rng):
    """(name, hypotheses, reference streams) for the hand-made situations the issue lists."""
    base_refs = ["The cat sat on the mat.", "A dog runs in the park.", "It is raining today in Paris.",
                 "She bought 3.5 kg of apples for $1,000.", "Nothing here matches at all."]
    out = [
        ("identical", base_refs, [base_refs]),
        ("empty_hypothesis_lines", ["The cat sat on the mat.", "", "It is raining today.", "", "Nothing."],
         [base_refs]),
        ("all_empty_hypotheses", ["", "", "", "", ""], [base_refs]),
        ("no_overlap", ["xyzzy plugh", "foo bar baz", "qux", "lorem ipsum dolor", "zzz"], [base_refs]),
        ("zero_fourgram_matches", ["cat sat the on mat", "dog a runs park in the", "raining is it Paris",
                                   "apples of kg bought she", "at all matches here nothing"], [base_refs]),
        ("zero_trigram_matches", ["the cat on sat the mat", "a dog in runs the park", "it is today raining",
                                  "she bought apples", "here nothing"], [base_refs]),
        ("shorter_than_references", ["The cat.", "A dog.", "Raining.", "Apples.", "Nothing."], [base_refs]),
        ("longer_than_references", [r + " and then some more words were added here ." for r in base_refs],
         [base_refs]),
        ("two_references", ["The cat is on the mat.", "A dog is running in a park.", "Today it rains in Paris.",
                            "She bought apples.", "Nothing matches."],
         [base_refs, ["There is a cat on the mat.", "A dog is running in the park.", "Paris: rain today.",
                      "She purchased 3.5 kg of apples.", "No match here at all."]]),
        ("three_references_with_an_empty_one",
         ["The cat is on the mat.", "A dog is running.", "", "She bought apples.", "Nothing matches."],
         [base_refs, ["There is a cat on the mat.", "", "Paris: rain today.", "She purchased apples.", ""],
          ["A cat.", "A dog is running in a park today.", "Rain.", "", "Nothing matches at all."]]),
        ("empty_reference_lines", ["The cat sat on the mat.", "words without reference", "", "Apples.", "x"],
         [["The cat sat on the mat.", "", "", "She bought apples.", ""]]),
        ("escapes_and_skipped", ["He said &quot;hi&quot; &amp; left.", "a &lt;b&gt; c <skipped> d",
                                 "&amp;lt; &amp;quot;", "Tom &amp; Jerry", "x <skipped>"],
         [['He said "hi" & left.', "a <b> c d", "< &quot;", "Tom & Jerry", "x"]]),
        ("digits_hyphens_periods", ["Prices rose 3.5% to $1,000.50 in 1990.", "Pages 10-20 and 1-2-3.",
                                    "Version 2.0.1 released", "Call 555-1234 now.", "Score: 3,5 or 3.5?"],
         [["Prices rose 3.5 % to $ 1,000.50 in 1990 .", "Pages 10 - 20 and 1-2-3.", "Version 2.0.1 released.",
           "Call 555 - 1234 now!", "Score: 3.5 or 3,5?"]]),
        ("punctuation_runs", ["Wait... what?! No!!!", "(really) [yes] {maybe}", "--- *** ;;;", "Hi!!!!",
                              "'quoted' \"double\" ``tick``"],
         [["Wait ... what ?! No !!!", "(really) [yes] {maybe}", "—-- ***;;;", "Hi !", "'quoted' \"double\""]]),
        ("non_latin_scripts", ["你好，世界。我是一只猫！", "Привет, мир! Это тест.", "مرحبا بالعالم، كيف حالك؟",
                               "नमस्ते दुनिया। यह परीक्षण है", "Γειά σου Κόσμε! ΟΔΟΣ ΣΟΦΙΑΣ"],
         [["你好，世界。我是猫！", "Привет мир! Это тест!", "مرحبا بالعالم كيف حالك ؟",
           "नमस्ते दुनिया। यह एक परीक्षण है।", "Γειά σου κόσμε! Οδός Σοφίας"]]),
        ("trailing_whitespace", ["The cat sat on the mat.   ", "A dog runs in the park.\t",
                                 "It is raining today in Paris.\u00a0", "She bought 3.5 kg of apples for $1,000.\r",
                                 "Nothing here matches at all.\u3000"], [base_refs]),
        ("canonical_equivalence", ["café naïve", "café naïve", "Ångström", "ﬁne", "İstanbul"],
         [["café naïve", "café naïve", "Ångström", "fine", "istanbul"]]),
        ("tricky_lines", TRICKY, [list(reversed(TRICKY))]),
    ]
    hyps, refs = random_corpus(rng, 150)
    out.append(("random_corpus", hyps, [refs]))
    hyps2, refs2 = random_corpus(rng, 60)
    _, refs3 = random_corpus(rng, 60)
    out.append(("random_two_references", hyps2, [refs2, refs3]))
    return out


def write_json(path, data):
    """Indented JSON with each array of numbers on one line, written to a temporary name then renamed."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = re.sub(r"\[\s*([-0-9.e+]+(?:,\s*[-0-9.e+]+)*)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(path + ".tmp", path)


def main():
    rng = random.Random(20261122)
    meta = {"generator": "Tools/sacrebleu-fixtures/generate.py", "sacrebleu": sacrebleu.__version__,
            "python": platform.python_version()}
    write_json(os.path.join(OUT, "tokenizers.json"), {"meta": meta, **tokenizer_fixtures()})

    bleu_cases, chrf_cases = [], []
    for name, hyps, refs in cases(rng):
        runs = []
        if name in ("random_corpus", "tricky_lines"):
            for tok in TOKENIZERS:
                for smooth in SMOOTHINGS:
                    runs.append(bleu_run(hyps, refs, tok, smooth, sentences=(smooth == "exp" and tok == "13a")))
            runs.append(bleu_run(hyps, refs, "13a", "exp", lowercase=True))
            runs.append(bleu_run(hyps, refs, "intl", "exp", lowercase=True, effective_order=True))
            runs.append(bleu_run(hyps, refs, "13a", "exp", effective_order=True))
        else:
            runs.append(bleu_run(hyps, refs, "13a", "exp"))
            runs.append(bleu_run(hyps, refs, "intl", "floor", effective_order=True))
            runs.append(bleu_run(hyps, refs, "char", "add-k", lowercase=True))
            runs.append(bleu_run(hyps, refs, "none", "none", effective_order=True))
        bleu_cases.append({"name": name, "hypotheses": hyps, "references": refs, "runs": runs})

        chrf_runs = [chrf_run(hyps, refs), chrf_run(hyps, refs, word_order=2)]
        if name in ("random_corpus", "tricky_lines", "non_latin_scripts", "two_references"):
            chrf_runs.append(chrf_run(hyps, refs, lowercase=True, word_order=1))
            chrf_runs.append(chrf_run(hyps, refs, whitespace=True))
            chrf_runs.append(chrf_run(hyps, refs, eps=True, word_order=2))
            chrf_runs.append(chrf_run(hyps, refs, char_order=4, beta=1))
        chrf_cases.append({"name": name, "hypotheses": hyps, "references": refs, "runs": chrf_runs})

    for filename, data in (("bleu.json", bleu_cases), ("chrf.json", chrf_cases)):
        write_json(os.path.join(OUT, filename), {"meta": meta, "cases": data})
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
