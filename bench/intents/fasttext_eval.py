#!/usr/bin/env python3
"""Scores Debian's `fasttext` CLI on the same splits and metrics as `lingxi eval intents`.

Usage: fasttext_eval.py --train A.jsonl [--train B.jsonl] --test T.jsonl [--test U.jsonl] [--autotune-seconds 60]

The autotune validation set is a stratified 10% hold-out of the training files (every 10th
example of each label, as Lingxi's own hold-out), so the test files are only scored. Out of
scope = the predicted label is `oos` (fastText has no rejection threshold of its own).
Prints one JSON object on the last line.
"""
import argparse, collections, json, os, re, subprocess, tempfile, time


def load(paths):
    rows = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            rows += [json.loads(l) for l in f if l.strip()]
    return rows


def ft_line(r):
    text = re.sub(r"\s+", " ", r["text"].lower()).strip()
    return "__label__%s %s\n" % (r["label"].replace(" ", "_"), text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", action="append", required=True)
    ap.add_argument("--test", action="append", required=True)
    ap.add_argument("--autotune-seconds", type=int, default=60)
    a = ap.parse_args()
    train, test = load(a.train), load(a.test)
    seen = collections.Counter()
    fit, hold = [], []
    for r in train:
        k = seen[r["label"]]
        seen[r["label"]] += 1
        (hold if k % 10 == 5 else fit).append(r)
    d = tempfile.mkdtemp()
    for name, rows in (("fit", fit), ("hold", hold), ("test", test)):
        with open(os.path.join(d, name + ".txt"), "w", encoding="utf-8") as f:
            f.writelines(ft_line(r) for r in rows)
    t0 = time.time()
    subprocess.run(["fasttext", "supervised", "-input", d + "/fit.txt", "-output", d + "/model",
                    "-autotune-validation", d + "/hold.txt", "-autotune-duration", str(a.autotune_seconds),
                    "-thread", "2"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    train_s = time.time() - t0
    t0 = time.time()
    out = subprocess.run(["fasttext", "predict", d + "/model.bin", d + "/test.txt"], check=True,
                         capture_output=True, text=True).stdout.split("\n")
    pred_s = time.time() - t0
    preds = [l.replace("__label__", "") for l in out[: len(test)]]
    n_in = sum(r["label"] != "oos" for r in test)
    n_oos = len(test) - n_in
    acc = sum(p == r["label"] for p, r in zip(preds, test) if r["label"] != "oos") / max(1, n_in)
    caught = sum(p == "oos" for p, r in zip(preds, test) if r["label"] == "oos")
    print(json.dumps({"in_scope_accuracy": acc, "oos_recall": caught / n_oos if n_oos else 0.0,
                      "n_train": len(fit), "n_test": len(test),
                      "train_seconds_including_autotune": train_s,
                      "predict_us_mean_batch_incl_load": pred_s * 1e6 / len(test)}))


if __name__ == "__main__":
    main()
