#!/usr/bin/env bash
# Intent classification side by side: Lingxi (`lingxi eval intents`), Debian's fastText (python3-fasttext,
# in-process) and NLP.js (npm node-nlp) on the same splits; prints a Markdown table.
#
# Usage: bench/intents/run.sh [path/to/lingxi]        (or LINGXI=path; default build-rel/src/app/lingxi)
# Env:   DATASETS="clinc150 banking77"  ROUNDS=1  AUTOTUNE_SECONDS=120  FOLD_AUTOTUNE_SECONDS=30
#        SYSTEMS="lingxi fasttext nlpjs"  OUT=bench/results/intents/<timestamp>
#        (datasets: clinc150 banking77 banking77-oos banking77-oos+id xsid-zh xsid-en)
# Builds nothing. Installs python3-fasttext via apt and node-nlp via `npm ci` (committed lockfile) if missing.
# Splits (validation only is scored; every tuned quantity is tuned on a hold-out of TRAIN):
#   clinc150:  train = full/train.jsonl + full/oos_train.jsonl; scored = val.jsonl + oos_val.jsonl
#   banking77: train = split_suggested/train.jsonl;             scored = split_suggested/valid.jsonl
#   banking77-oos:    train = banking77_oos/train.jsonl (in-scope only);
#                     scored = valid.jsonl + id_oos_valid.jsonl + ood_oos_valid.jsonl (one training; each
#                     system's JSON has `test_files`, so in-scope accuracy, ID-OOS and OOD-OOS recall separately)
#   banking77-oos+id: the same, plus id_oos_train.jsonl in train (an `oos` class)
#   xsid-zh / xsid-en: xsid_zh/zh.valid.jsonl (300 sentences; xsid-en uses its parallel `text_en`), a
#                     deterministic stratified 5-fold split written by folds.py into $OUT/folds/<dataset>/
#                     (the fold rule of `lingxi eval intents --kfold 5`); every system trains on fold<k>.train
#                     and is scored on fold<k>.test, one run per fold (SYSTEM.DATASET.ROUND.f<k>.json);
#                     fastText's autotune gets FOLD_AUTOTUNE_SECONDS per fold; NLP.js runs with --lang zh on zh.
# With ROUNDS > 1 each system runs again; the table shows accuracy from round 1 and, per system, the
# round with the lowest p50 latency (train time from that round too). All raw JSON stays in $OUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${DATA_DIR:-$root/../shared/datasets}
lingxi=${1:-${LINGXI:-}}
if [[ -z "$lingxi" ]]; then
  for c in "$root/build-rel/src/app/lingxi" "$root/build-rel/lingxi"; do [[ -x "$c" ]] && lingxi=$c && break; done
fi
[[ -x "${lingxi:-}" ]] || { echo "lingxi binary not found; pass its path (e.g. build-rel/src/app/lingxi)" >&2; exit 2; }
DATASETS=${DATASETS:-"clinc150 banking77"}
SYSTEMS=${SYSTEMS:-"lingxi fasttext nlpjs"}
ROUNDS=${ROUNDS:-1}
AUTOTUNE_SECONDS=${AUTOTUNE_SECONDS:-120}
FOLD_AUTOTUNE_SECONDS=${FOLD_AUTOTUNE_SECONDS:-30}
for ds in $DATASETS; do
  case "$ds" in
    clinc150|banking77|banking77-oos|banking77-oos+id|xsid-zh|xsid-en) ;;
    *) echo "unknown dataset $ds" >&2; exit 2 ;;
  esac
done
OUT=${OUT:-$root/bench/results/intents/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)  # absolute: NLP.js runs from bench/intents
mkdir -p "$OUT"
started=$(date -u +%Y-%m-%dT%H:%MZ)
commit=$(git -C "$root" rev-parse --short HEAD)  # at the start: others may commit during a long run

if [[ " $SYSTEMS " == *" fasttext "* ]] && ! /usr/bin/python3 -c 'import fasttext' 2>/dev/null; then
  (apt-get install -y python3-fasttext || { apt-get update && apt-get install -y python3-fasttext; }) >&2
fi
if [[ " $SYSTEMS " == *" nlpjs "* && ! -d "$here/node_modules/node-nlp" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts) >&2
fi

fold_datasets=" xsid-zh xsid-en "
splits() {  # dataset [fold] -> "--train A --train B --test C ..."
  local b=$data/banking77_oos
  case "$1" in
    clinc150) echo "--train $data/clinc150/full/train.jsonl --train $data/clinc150/full/oos_train.jsonl" \
                   "--test $data/clinc150/val.jsonl --test $data/clinc150/oos_val.jsonl" ;;
    banking77) echo "--train $data/banking77/split_suggested/train.jsonl" \
                    "--test $data/banking77/split_suggested/valid.jsonl" ;;
    banking77-oos) echo "--train $b/train.jsonl" \
                        "--test $b/valid.jsonl --test $b/id_oos_valid.jsonl --test $b/ood_oos_valid.jsonl" ;;
    banking77-oos+id) echo "--train $b/train.jsonl --train $b/id_oos_train.jsonl" \
                           "--test $b/valid.jsonl --test $b/id_oos_valid.jsonl --test $b/ood_oos_valid.jsonl" ;;
    xsid-zh|xsid-en) echo "--train $OUT/folds/$1/fold$2.train.jsonl --test $OUT/folds/$1/fold$2.test.jsonl" ;;
    *) echo "unknown dataset $1" >&2; exit 2 ;;
  esac
}

for ds in $DATASETS; do
  case "$ds" in
    xsid-zh) /usr/bin/python3 "$here/folds.py" "$data/xsid_zh/zh.valid.jsonl" "$OUT/folds/$ds" --k 5 ;;
    xsid-en) /usr/bin/python3 "$here/folds.py" "$data/xsid_zh/zh.valid.jsonl" "$OUT/folds/$ds" --k 5 --text-field text_en ;;
  esac
done

run_one() {  # system dataset round log-prefix args...
  local sys=$1 ds=$2 log=$4 autotune=$AUTOTUNE_SECONDS lang=en rc=0
  shift 4
  [[ "$fold_datasets" == *" $ds "* ]] && autotune=$FOLD_AUTOTUNE_SECONDS
  [[ "$ds" == *-zh ]] && lang=zh
  case "$sys" in
    lingxi) "$lingxi" eval intents "$@" >"$log.out" 2>"$log.err" || rc=$? ;;
    fasttext) /usr/bin/python3 "$here/fasttext_eval.py" "$@" --autotune-seconds "$autotune" \
                >"$log.out" 2>"$log.err" || rc=$? ;;
    nlpjs) (cd "$here" && node --expose-gc --max-old-space-size=4096 nlpjs_eval.js "$@" --lang "$lang") \
             >"$log.out" 2>"$log.err" || rc=$? ;;
    *) echo "unknown system $sys" >&2; exit 2 ;;
  esac
  # A failed run leaves no JSON (the table skips it) but does not stop the others.
  if [[ $rc == 0 ]]; then tail -n 1 "$log.out" >"$log.json"; else echo "[run] FAILED (exit $rc), see $log.err" >&2; fi
}

for round in $(seq 1 "$ROUNDS"); do
  for ds in $DATASETS; do
    folds=""
    [[ "$fold_datasets" == *" $ds "* ]] && folds="1 2 3 4 5"
    for sys in $SYSTEMS; do
      if [[ -z "$folds" ]]; then
        echo "[run] $(date -u +%H:%M:%S) round $round: $sys on $ds" >&2
        # shellcheck disable=SC2046
        run_one "$sys" "$ds" "$round" "$OUT/$sys.$ds.$round" $(splits "$ds")
      else
        for k in $folds; do
          echo "[run] $(date -u +%H:%M:%S) round $round: $sys on $ds fold $k/5" >&2
          # shellcheck disable=SC2046
          run_one "$sys" "$ds" "$round" "$OUT/$sys.$ds.$round.f$k" $(splits "$ds" "$k")
        done
      fi
    done
  done
done

{
  echo "machine: $(nproc) vCPU, $(lscpu | sed -n 's/^Model name: *//p'), $started to $(date -u +%H:%MZ)," \
       "lingxi=$lingxi (HEAD $commit at the start)"
  echo
  /usr/bin/python3 "$here/table.py" "$OUT"
} | tee "$OUT/table.md"
