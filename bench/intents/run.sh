#!/usr/bin/env bash
# Intent classification side by side: Lingxi (`lingxi eval intents`), Debian's fastText (python3-fasttext,
# in-process) and NLP.js (npm node-nlp) on the same splits; prints a Markdown table.
#
# Usage: bench/intents/run.sh [path/to/lingxi]        (or LINGXI=path; default build-rel/src/app/lingxi)
# Env:   DATASETS="clinc150 banking77"  ROUNDS=1  AUTOTUNE_SECONDS=120  SYSTEMS="lingxi fasttext nlpjs"
#        OUT=bench/results/intents/<timestamp>
# Builds nothing. Installs python3-fasttext via apt and node-nlp via `npm ci` (committed lockfile) if missing.
# Splits (validation only is scored; every tuned quantity is tuned on a hold-out of TRAIN):
#   clinc150:  train = full/train.jsonl + full/oos_train.jsonl; scored = val.jsonl + oos_val.jsonl
#   banking77: train = split_suggested/train.jsonl;             scored = split_suggested/valid.jsonl
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
OUT=${OUT:-$root/bench/results/intents/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

if [[ " $SYSTEMS " == *" fasttext "* ]] && ! /usr/bin/python3 -c 'import fasttext' 2>/dev/null; then
  (apt-get install -y python3-fasttext || { apt-get update && apt-get install -y python3-fasttext; }) >&2
fi
if [[ " $SYSTEMS " == *" nlpjs "* && ! -d "$here/node_modules/node-nlp" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts) >&2
fi

splits() {  # dataset -> "--train A --train B --test C ..."
  case "$1" in
    clinc150) echo "--train $data/clinc150/full/train.jsonl --train $data/clinc150/full/oos_train.jsonl" \
                   "--test $data/clinc150/val.jsonl --test $data/clinc150/oos_val.jsonl" ;;
    banking77) echo "--train $data/banking77/split_suggested/train.jsonl" \
                    "--test $data/banking77/split_suggested/valid.jsonl" ;;
    *) echo "unknown dataset $1" >&2; exit 2 ;;
  esac
}

for round in $(seq 1 "$ROUNDS"); do
  for ds in $DATASETS; do
    args=$(splits "$ds")
    for sys in $SYSTEMS; do
      log="$OUT/$sys.$ds.$round"
      echo "[run] round $round: $sys on $ds" >&2
      case "$sys" in
        # shellcheck disable=SC2086
        lingxi) "$lingxi" eval intents $args >"$log.out" 2>"$log.err" ;;
        # shellcheck disable=SC2086
        fasttext) /usr/bin/python3 "$here/fasttext_eval.py" $args --autotune-seconds "$AUTOTUNE_SECONDS" \
                    >"$log.out" 2>"$log.err" ;;
        # shellcheck disable=SC2086
        nlpjs) (cd "$here" && node --expose-gc --max-old-space-size=4096 nlpjs_eval.js $args) \
                 >"$log.out" 2>"$log.err" ;;
      esac
      tail -n 1 "$log.out" >"$log.json"
    done
  done
done

{
  echo "machine: $(nproc) vCPU, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%dT%H:%MZ)," \
       "lingxi=$lingxi ($(git -C "$root" rev-parse --short HEAD))"
  echo
  /usr/bin/python3 "$here/table.py" "$OUT"
} | tee "$OUT/table.md"
