#!/usr/bin/python3
"""Writes a deterministic stratified K-fold split of a JSONL file {text, label, ...} for bench/intents/run.sh,
so that every system trains and scores exactly the same folds.

Usage: folds.py IN.jsonl OUT_DIR [--k 5] [--text-field text]

Fold rule (the same as `lingxi eval intents --kfold K`): in file order, the i-th example of each label goes
to fold i % K. No shuffling, so the split depends only on the file. For fold k (1..K) it writes
OUT_DIR/fold<k>.train.jsonl (the other folds) and OUT_DIR/fold<k>.test.jsonl, one {"text", "label"} per
line, where "text" is taken from --text-field (e.g. text_en for xSID's parallel English).
A label with fewer than K examples is absent from the test side of some folds and from the training side
of the fold that tests it (xSID has a label with 1 example and one with 2); every system sees the same.
"""
import argparse, collections, json, os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("out_dir")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--text-field", default="text")
    a = ap.parse_args()
    rows = []
    with open(a.input, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows.append({"text": r[a.text_field], "label": r["label"]})
    seen = collections.Counter()
    fold = []
    for r in rows:
        fold.append(seen[r["label"]] % a.k)
        seen[r["label"]] += 1
    os.makedirs(a.out_dir, exist_ok=True)
    for k in range(a.k):
        for side, keep in (("train", lambda i: fold[i] != k), ("test", lambda i: fold[i] == k)):
            with open(os.path.join(a.out_dir, "fold%d.%s.jsonl" % (k + 1, side)), "w", encoding="utf-8") as f:
                for i, r in enumerate(rows):
                    if keep(i):
                        f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
