#!/usr/bin/python3
"""Prints the Markdown table of a bench/intents/run.sh results directory (files SYSTEM.DATASET.ROUND.json).

Accuracy and oos recall come from round 1; latency and train time from the round with the lowest p50.
"""
import glob, json, os, sys

NAMES = {"lingxi": "Lingxi", "fasttext": "fastText 0.9.2", "nlpjs": "NLP.js (node-nlp 4.27)"}


def main():
    out = sys.argv[1]
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*.json"))):
        sys_name, ds, rnd = os.path.basename(path)[: -len(".json")].split(".")
        try:
            with open(path) as f:
                r = json.load(f)
        except (json.JSONDecodeError, OSError):
            continue
        runs.setdefault((ds, sys_name), []).append((int(rnd), r))
    print("| system | dataset | in-scope acc | oos recall | train s | predict p50 / p99 µs | model MB | rounds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (ds, sys_name) in sorted(runs, key=lambda k: (k[0], list(NAMES).index(k[1]))):
        rs = sorted(runs[(ds, sys_name)], key=lambda x: x[0])
        first = rs[0][1]
        fast = min((r for _, r in rs), key=lambda r: r["predict_us_p50"])
        mem = fast.get("model_bytes", fast.get("model_heap_bytes"))
        oos = "%.1f%%" % (100 * first["oos_recall"]) if first.get("n_test_oos", 1) else "n/a"
        print("| %s | %s | %.1f%% | %s | %.1f | %.0f / %.0f | %s | %d |" % (
            NAMES.get(sys_name, sys_name), ds, 100 * first["in_scope_accuracy"], oos, fast["train_seconds"],
            fast["predict_us_p50"], fast["predict_us_p99"], "%.0f" % (mem / 1e6) if mem else "?", len(rs)))


if __name__ == "__main__":
    main()
