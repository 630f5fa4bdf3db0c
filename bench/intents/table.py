#!/usr/bin/python3
"""Prints the Markdown tables of a bench/intents/run.sh results directory (files SYSTEM.DATASET.ROUND.json, and
SYSTEM.DATASET.ROUND.f<k>.json for the fold datasets).

Accuracy and oos recall come from round 1; latency and train time from the round with the lowest p50.
Three tables, each printed only when it has rows:
  - whole splits without a per-file oos breakdown (clinc150, banking77): as before;
  - splits with two or more oos test files (banking77-oos, banking77-oos+id): in-scope accuracy and the oos
    recall of each oos test file (ID-OOS = id_oos_valid.jsonl, OOD-OOS = ood_oos_valid.jsonl) from the
    evaluators' `test_files`, plus the recall over all oos files;
  - K-fold datasets (xsid-zh, xsid-en): the mean of the per-fold accuracies (min-max in brackets) and the
    pooled accuracy (all folds' correct answers / all scored sentences); train s = mean per fold (one final
    model per fold; fastText's tuning and NLP.js's hold-out model not included); latency = median of the fold
    p50s / max of the fold p99s; model = largest fold model.
"""
import glob, json, os, statistics, sys

NAMES = {"lingxi": "Lingxi", "fasttext": "fastText 0.9.2", "nlpjs": "NLP.js (node-nlp 4.27)"}
FILE_NAMES = {"id_oos_valid": "ID-OOS", "ood_oos_valid": "OOD-OOS"}


def order(key):
    ds, sys_name = key
    return (ds, list(NAMES).index(sys_name) if sys_name in NAMES else len(NAMES))


def mem_mb(r):
    mem = r.get("model_bytes", r.get("model_heap_bytes"))
    if not mem:
        return "?"
    return "%.0f" % (mem / 1e6) if mem >= 10e6 else "%.1f" % (mem / 1e6)


def oos_files(r):
    return [f for f in r.get("test_files", []) if f.get("n_oos")]


def file_name(f):
    base = os.path.basename(f["path"])[: -len(".jsonl")] if f["path"].endswith(".jsonl") else f["path"]
    return FILE_NAMES.get(base, base)


def main():
    out = sys.argv[1]
    runs, folds = {}, {}
    for path in sorted(glob.glob(os.path.join(out, "*.json"))):
        parts = os.path.basename(path)[: -len(".json")].split(".")
        try:
            with open(path) as f:
                r = json.load(f)
        except (json.JSONDecodeError, OSError):
            continue
        if len(parts) == 3:
            sys_name, ds, rnd = parts
            runs.setdefault((ds, sys_name), []).append((int(rnd), r))
        elif len(parts) == 4 and parts[3].startswith("f"):
            sys_name, ds, rnd, k = parts
            folds.setdefault((ds, sys_name), {}).setdefault(int(rnd), {})[int(k[1:])] = r

    whole = {k: v for k, v in runs.items() if len(oos_files(sorted(v, key=lambda x: x[0])[0][1])) < 2}
    split = {k: v for k, v in runs.items() if k not in whole}
    tables = 0

    if whole:
        tables += 1
        print("| system | dataset | in-scope acc | oos recall | train s | predict p50 / p99 µs | model MB | rounds |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for key in sorted(whole, key=order):
            ds, sys_name = key
            rs = sorted(whole[key], key=lambda x: x[0])
            first = rs[0][1]
            fast = min((r for _, r in rs), key=lambda r: r["predict_us_p50"])
            oos = "%.1f%%" % (100 * first["oos_recall"]) if first.get("n_test_oos", 1) else "n/a"
            print("| %s | %s | %.1f%% | %s | %.1f | %.0f / %.0f | %s | %d |" % (
                NAMES.get(sys_name, sys_name), ds, 100 * first["in_scope_accuracy"], oos, fast["train_seconds"],
                fast["predict_us_p50"], fast["predict_us_p99"], mem_mb(fast), len(rs)))

    if split:
        if tables:
            print()
        tables += 1
        names = []
        for key in sorted(split, key=order):
            for f in oos_files(sorted(split[key], key=lambda x: x[0])[0][1]):
                if file_name(f) not in names:
                    names.append(file_name(f))
        print("| system | dataset | in-scope acc | %s | all oos | train s | predict p50 / p99 µs | model MB | rounds |"
              % " | ".join(n + " recall" for n in names))
        print("|---|---|---:|%s---:|---:|---:|---:|---:|" % ("---:|" * len(names)))
        for key in sorted(split, key=order):
            ds, sys_name = key
            rs = sorted(split[key], key=lambda x: x[0])
            first = rs[0][1]
            fast = min((r for _, r in rs), key=lambda r: r["predict_us_p50"])
            per = {file_name(f): "%.1f%%" % (100 * f["oos_recall"]) for f in oos_files(first)}
            print("| %s | %s | %.1f%% | %s | %.1f%% | %.1f | %.0f / %.0f | %s | %d |" % (
                NAMES.get(sys_name, sys_name), ds, 100 * first["in_scope_accuracy"],
                " | ".join(per.get(n, "n/a") for n in names), 100 * first["oos_recall"], fast["train_seconds"],
                fast["predict_us_p50"], fast["predict_us_p99"], mem_mb(fast), len(rs)))

    if folds:
        if tables:
            print()
        print("| system | dataset | folds | accuracy, mean of folds (min–max) | pooled | train s / fold (mean) "
              "| predict p50 / p99 µs | model MB | rounds |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for key in sorted(folds, key=order):
            ds, sys_name = key
            by_round = folds[key]
            first = by_round[min(by_round)]
            accs = [first[k]["in_scope_accuracy"] for k in sorted(first)]
            n_in = [first[k]["n_test"] - first[k].get("n_test_oos", 0) for k in sorted(first)]
            pooled = sum(a * n for a, n in zip(accs, n_in)) / sum(n_in)
            fast = min(by_round.values(), key=lambda rs: statistics.median(r["predict_us_p50"] for r in rs.values()))
            p50 = statistics.median(r["predict_us_p50"] for r in fast.values())
            p99 = max(r["predict_us_p99"] for r in fast.values())
            train_s = statistics.mean(r["train_seconds"] for r in fast.values())
            mem = max(fast.values(), key=lambda r: r.get("model_bytes", r.get("model_heap_bytes")) or 0)
            print("| %s | %s | %d | %.1f%% (%.1f–%.1f) | %.1f%% | %.2f | %.0f / %.0f | %s | %d |" % (
                NAMES.get(sys_name, sys_name), ds, len(accs), 100 * statistics.mean(accs), 100 * min(accs),
                100 * max(accs), 100 * pooled, train_s, p50, p99, mem_mb(mem), len(by_round)))


if __name__ == "__main__":
    main()
