#!/usr/bin/python3
"""Scores Debian's fastText 0.9.2 (python3-fasttext, the same C++ library as the `fasttext` CLI, called
in-process) on the same splits and metrics as `lingxi eval intents`.

Usage: fasttext_eval.py --train A.jsonl [--train B.jsonl] --test T.jsonl [--test U.jsonl]
                        [--autotune-seconds 120] [--threads 2]

Protocol (the same as Lingxi's and nlpjs_eval.js's):
  - hold-out = every 10th example of each label of the TRAIN files (index % 10 == 5); the test files
    are only scored. Everything that is tuned is tuned on this hold-out.
  - hyper-parameters: fastText's own autotune (`autotuneValidationFile` = the hold-out, searching
    epochs, learning rate, word n-grams, dim, char n-grams, bucket) AND a small manual grid (word
    bigrams, epochs, learning rate, char n-grams); the setting with the best hold-out in-scope accuracy wins.
  - out of scope: an explicit `oos` class when the training data has one, plus a minimum probability
    of the top label, chosen on the hold-out with the rule of nlu::ChooseOosThreshold (among
    thresholds within 0.5 point of the best hold-out in-scope accuracy, maximise
    (accuracy + oos recall) / 2).
  - the final model is retrained on all of TRAIN with the chosen setting (that training is the
    reported train time; tuning time is reported separately).
  - text preprocessing (training and prediction alike): lower-case, ASCII punctuation split off, and
    a space on both sides of every CJK character (Han ideographs, kana, CJK and full-width
    punctuation). fastText splits words on whitespace only, and Chinese has none, so without this a
    whole Chinese sentence would be one "word"; one token per character (with word bigrams / char
    n-grams from the tuning) is the usual way to feed unsegmented Chinese to fastText. It changes
    nothing for text without CJK characters.
  - latency = one `model.predict(text, k=1)` call in this process, including that preprocessing,
    single thread; Python's call overhead (~1 us) is included.
Prints one JSON object on the last line; it also carries `test_files`, the overall scores split by
--test file ({"path", "n", "n_oos", "in_scope_accuracy", "oos_recall"}; e.g. BANKING77-OOS's three files).
"""
import argparse, collections, json, os, re, tempfile, time

import fasttext

PUNCT = re.compile(r"([!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
CJK = re.compile("([\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                 "\U00020000-\U0002fa1f])")


def load(paths, per_file=None):
    rows = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            new = [json.loads(l) for l in f if l.strip()]
        rows += new
        if per_file is not None:
            per_file.append(len(new))
    return rows


def prep(text):
    return " ".join(CJK.sub(r" \1 ", PUNCT.sub(r" \1 ", text.lower())).split())


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write("__label__%s %s\n" % (r["label"].replace(" ", "_"), prep(r["text"])))


def top(model, text):
    labels, probs = model.predict(prep(text), k=1)
    return labels[0][len("__label__"):], float(probs[0])


def metrics(preds, rows, oos, thr):
    n_in = ok = n_oos = caught = 0
    for (label, prob), r in zip(preds, rows):
        is_oos = label == oos or prob < thr
        if r["label"] == oos:
            n_oos += 1
            caught += is_oos
        else:
            n_in += 1
            ok += (not is_oos) and label == r["label"]
    return (ok / n_in if n_in else 0.0), (caught / n_oos if n_oos else 0.0), n_oos


def choose_threshold(preds, rows, oos, tolerance):
    scored = [(t,) + metrics(preds, rows, oos, t) for t in sorted({0.0} | {p for _, p in preds})]
    best = max(s[1] for s in scored)
    ok = [s for s in scored if s[1] >= best - tolerance]
    if ok[0][3]:
        return max(ok, key=lambda s: ((s[1] + s[2]) / 2, -s[0]))
    choice = max(ok, key=lambda s: s[0])
    # Small samples (nlu::ChooseOosThreshold): under tolerance * (n + 1) < 1 the threshold is the
    # lowest correct confidence scaled down by that budget.
    n_in = sum(1 for r in rows if r["label"] != oos)
    budget = tolerance * (n_in + 1)
    correct = [p for (label, p), r in zip(preds, rows) if r["label"] != oos and label == r["label"]]
    if n_in and budget < 1 and correct and min(correct) * budget < choice[0]:
        t = min(correct) * budget
        return (t,) + metrics(preds, rows, oos, t)
    return choice


ARG_NAMES = ("lr", "dim", "ws", "epoch", "minCount", "minn", "maxn", "neg", "wordNgrams", "bucket",
             "lrUpdateRate", "t")


def model_args(model):
    a = model.f.getArgs()
    out = {k: getattr(a, k) for k in ARG_NAMES}
    out["loss"] = str(a.loss).split(".")[-1]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", action="append", required=True)
    ap.add_argument("--test", action="append", required=True)
    ap.add_argument("--oos-label", default="oos")
    ap.add_argument("--autotune-seconds", type=int, default=120)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tolerance", type=float, default=0.005)
    a = ap.parse_args()
    per_file = []
    train, test = load(a.train), load(a.test, per_file)
    seen = collections.Counter()
    fit, hold = [], []
    for r in train:
        k = seen[r["label"]]
        seen[r["label"]] += 1
        (hold if k % 10 == 5 else fit).append(r)
    d = tempfile.mkdtemp()
    for name, rows in (("fit", fit), ("hold", hold), ("all", train)):
        write(os.path.join(d, name + ".txt"), rows)

    def hold_accuracy(model):
        return metrics([top(model, r["text"]) for r in hold], hold, a.oos_label, 0.0)[0]

    t_tune = time.time()
    candidates = []  # (hold-out accuracy, name, args, model trained on fit)
    for ngrams in (1, 2):
        for epoch in (25, 50):
            for lr in (0.5, 1.0):
                for minn, maxn in ((0, 0), (3, 5)):
                    args = dict(wordNgrams=ngrams, epoch=epoch, lr=lr, minn=minn, maxn=maxn, dim=100,
                                bucket=200000 if (ngrams > 1 or minn) else 0, loss="softmax")
                    m = fasttext.train_supervised(input=d + "/fit.txt", thread=a.threads, verbose=0, **args)
                    candidates.append((hold_accuracy(m), "grid", args, m))
    m = fasttext.train_supervised(input=d + "/fit.txt", autotuneValidationFile=d + "/hold.txt",
                                  autotuneDuration=a.autotune_seconds, thread=a.threads, verbose=0)
    candidates.append((hold_accuracy(m), "autotune", model_args(m), m))
    acc, how, args, hold_model = max(candidates, key=lambda c: c[0])
    thr, h_acc, h_rec, _ = choose_threshold([top(hold_model, r["text"]) for r in hold], hold, a.oos_label,
                                            a.tolerance)
    tune_s = time.time() - t_tune
    auto = [c for c in candidates if c[1] == "autotune"][0]
    print("[fasttext] chose %s %s: hold-out acc %.4f (autotune %.4f), threshold %.3f -> acc %.4f, oos recall %.3f"
          % (how, json.dumps(args), acc, auto[0], thr, h_acc, h_rec), file=os.sys.stderr)

    final_args = {k: v for k, v in args.items() if k in ("lr", "dim", "ws", "epoch", "minCount", "minn", "maxn",
                                                         "neg", "wordNgrams", "bucket", "loss")}
    t0 = time.time()
    model = fasttext.train_supervised(input=d + "/all.txt", thread=a.threads, verbose=0, **final_args)
    train_s = time.time() - t0
    model.save_model(d + "/final.bin")
    model_bytes = os.path.getsize(d + "/final.bin")

    for r in hold[:200]:  # warm-up (not the scored texts)
        top(model, r["text"])
    preds, lat = [], []
    for r in test:
        t0 = time.perf_counter_ns()
        p = top(model, r["text"])
        lat.append((time.perf_counter_ns() - t0) / 1e3)
        preds.append(p)
    acc, rec, n_oos = metrics(preds, test, a.oos_label, thr)
    files, begin = [], 0
    for path, n in zip(a.test, per_file):
        f_acc, f_rec, f_oos = metrics(preds[begin:begin + n], test[begin:begin + n], a.oos_label, thr)
        files.append({"path": path, "n": n, "n_oos": f_oos, "in_scope_accuracy": f_acc, "oos_recall": f_rec})
        begin += n
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * (len(lat) - 1) + 0.5))]
    acc_no_thr = metrics(preds, test, a.oos_label, 0.0)[0]  # for reference: no probability threshold
    print(json.dumps({"in_scope_accuracy": acc, "oos_recall": rec, "oos_threshold": thr,
                      "in_scope_accuracy_no_threshold": acc_no_thr, "n_train": len(train),
                      "n_test": len(test), "n_test_oos": n_oos, "train_seconds": train_s,
                      "tuning_seconds": tune_s, "setting": how, "args": final_args,
                      "predict_us_p50": pct(0.5), "predict_us_p99": pct(0.99), "model_bytes": model_bytes,
                      "test_files": files}))


if __name__ == "__main__":
    main()
