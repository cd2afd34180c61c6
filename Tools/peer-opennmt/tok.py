"""Moses-tokenizes Multi30k (en, de) into onmt-data/, as peers.md describes (sacremoses, case kept).

Usage: tok.py CORPUS [SPLIT ...]   (default splits: train val; the translation timing adds test_2016_flickr)."""
import sys
from sacremoses import MosesTokenizer

corpus = sys.argv[1]  # the folder holding train.en, val.de, ...
splits = sys.argv[2:] or ["train", "val"]
for split in splits:
    for lang in ["en", "de"]:
        tokenizer = MosesTokenizer(lang=lang)
        with open(f"{corpus}/{split}.{lang}", encoding="utf-8") as source, \
             open(f"onmt-data/{split}.tok.{lang}", "w", encoding="utf-8") as out:
            for line in source:
                out.write(tokenizer.tokenize(line.strip(), escape=False, return_str=True) + "\n")
