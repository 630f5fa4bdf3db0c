#!/usr/bin/env node
// Scores NLP.js (npm `node-nlp`, NlpManager) on the same splits and metrics as `lingxi eval intents`.
//
// Usage: node --expose-gc nlpjs_eval.js --train A.jsonl [--train B.jsonl] --test T.jsonl [--test U.jsonl]
//                                       [--lang en]
//
// Protocol (the same as Lingxi's and fasttext_eval.py's):
//  - hold-out = every 10th example of each label of the TRAIN files (index % 10 == 5); the test files are
//    only scored;
//  - a first model is trained on the other 90% and scored on the hold-out to choose the out-of-scope
//    threshold on NlpManager's score (the rule of nlu::ChooseOosThreshold: among thresholds within
//    0.5 point of the best hold-out in-scope accuracy, maximise (accuracy + oos recall) / 2);
//  - the final model is trained on all of TRAIN and scored on the test files;
//  - out of scope = NLP.js answers its own `None` intent, or the trained `oos` intent, or the score is
//    below the threshold. NLP.js's built-in threshold (0.5) is set to 0 so the chosen one applies.
//  - language: `--lang` (default en) is the NlpManager language and the locale of every addDocument /
//    process call; `--lang zh` uses @nlpjs/lang-zh (part of node-nlp: its own Chinese word segmenter,
//    no stemmer), so no preprocessing is done here for Chinese.
//  - latency = one `await manager.process(lang, text)` call, measured with process.hrtime.bigint() in
//    this process, single-threaded (Node runs JavaScript on one thread), after 200 warm-up calls on
//    hold-out texts.
// Prints one JSON object on the last line; it also carries `test_files`, the overall scores split by
// --test file ({path, n, n_oos, in_scope_accuracy, oos_recall}; e.g. BANKING77-OOS's three files).
'use strict';

const fs = require('fs');
const { NlpManager } = require('node-nlp');

function parseArgs(argv) {
  const a = { train: [], test: [], oos: 'oos', tolerance: 0.005, lang: 'en' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'train' || key === 'test') a[key].push(argv[i + 1]);
    else if (key === 'oos-label') a.oos = argv[i + 1];
    else if (key === 'tolerance') a.tolerance = Number(argv[i + 1]);
    else if (key === 'lang') a.lang = argv[i + 1];
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  if (!a.train.length || !a.test.length) throw new Error('need --train and --test');
  return a;
}

// Rows of all `paths` in order; `perFile` (optional) receives the number of rows of each file.
function load(paths, perFile) {
  const rows = [];
  for (const p of paths) {
    const before = rows.length;
    for (const line of fs.readFileSync(p, 'utf8').split('\n')) {
      if (line.trim()) rows.push(JSON.parse(line));
    }
    if (perFile) perFile.push(rows.length - before);
  }
  return rows;
}

function newManager(lang) {
  return new NlpManager({
    languages: [lang],
    forceNER: false,
    autoSave: false,
    autoLoad: false,
    threshold: 0,
    nlu: { log: false },
  });
}

async function train(rows, lang) {
  const manager = newManager(lang);
  for (const r of rows) manager.addDocument(lang, r.text, r.label);
  const t0 = process.hrtime.bigint();
  await manager.train();
  return { manager, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

// Returns [{gold, intent, score, us}] for `rows`.
async function predict(manager, rows, lang) {
  const out = [];
  for (const r of rows) {
    const t0 = process.hrtime.bigint();
    const res = await manager.process(lang, r.text);
    const us = Number(process.hrtime.bigint() - t0) / 1e3;
    out.push({ gold: r.label, intent: res.intent, score: res.score, us });
  }
  return out;
}

function isOos(p, oos, threshold) {
  return p.intent === 'None' || p.intent === oos || p.score < threshold;
}

function metrics(preds, oos, threshold) {
  let nIn = 0, inOk = 0, nOos = 0, caught = 0;
  for (const p of preds) {
    const o = isOos(p, oos, threshold);
    if (p.gold === oos) {
      nOos += 1;
      caught += o ? 1 : 0;
    } else {
      nIn += 1;
      inOk += !o && p.intent === p.gold ? 1 : 0;
    }
  }
  return { acc: nIn ? inOk / nIn : 0, recall: nOos ? caught / nOos : 0, nOos };
}

function chooseThreshold(preds, oos, tolerance) {
  const candidates = [0, ...new Set(preds.map((p) => p.score))].sort((x, y) => x - y);
  const scored = candidates.map((t) => ({ t, ...metrics(preds, oos, t) }));
  const best = Math.max(...scored.map((s) => s.acc));
  let choice = scored[0];
  for (const s of scored) {
    if (s.acc < best - tolerance) continue;
    const obj = s.nOos ? (s.acc + s.recall) / 2 : s.t;
    const cur = choice.nOos ? (choice.acc + choice.recall) / 2 : choice.t;
    if (choice.acc < best - tolerance || obj > cur) choice = s;
  }
  // Small samples (nlu::ChooseOosThreshold): under tolerance * (n + 1) < 1 the threshold is the
  // lowest correct confidence scaled down by that budget.
  if (!choice.nOos) {
    const inScope = preds.filter((p) => p.gold !== oos);
    const budget = tolerance * (inScope.length + 1);
    const correct = inScope.filter((p) => p.intent === p.gold).map((p) => p.score);
    if (inScope.length && budget < 1 && correct.length) {
      const t = Math.min(...correct) * budget;
      if (t < choice.t) return { t, ...metrics(preds, oos, t) };
    }
  }
  return choice;
}

function percentile(v, q) {
  const s = [...v].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))] : 0;
}

function heapAfterGc() {
  if (global.gc) global.gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  const a = parseArgs(process.argv);
  const all = load(a.train);
  const perFile = [];
  const test = load(a.test, perFile);
  const seen = new Map();
  const fit = [], hold = [];
  for (const r of all) {
    const k = seen.get(r.label) || 0;
    seen.set(r.label, k + 1);
    (k % 10 === 5 ? hold : fit).push(r);
  }
  const holdModel = await train(fit, a.lang);
  const choice = chooseThreshold(await predict(holdModel.manager, hold, a.lang), a.oos, a.tolerance);
  process.stderr.write(`[nlpjs] hold-out: threshold ${choice.t.toFixed(3)}, acc ${choice.acc.toFixed(4)}, ` +
                       `oos recall ${choice.recall.toFixed(3)} (trained in ${holdModel.seconds.toFixed(1)} s)\n`);
  holdModel.manager = null;
  const heap0 = heapAfterGc();
  const final = await train(all, a.lang);
  const heapBytes = heapAfterGc() - heap0;
  await predict(final.manager, hold.slice(0, 200), a.lang); // warm-up for the JIT (not the scored texts)
  const preds = await predict(final.manager, test, a.lang);
  const m = metrics(preds, a.oos, choice.t);
  const testFiles = [];
  let begin = 0;
  a.test.forEach((path, i) => {
    const f = metrics(preds.slice(begin, begin + perFile[i]), a.oos, choice.t);
    testFiles.push({ path, n: perFile[i], n_oos: f.nOos, in_scope_accuracy: f.acc, oos_recall: f.recall });
    begin += perFile[i];
  });
  const lat = preds.map((p) => p.us);
  console.log(JSON.stringify({
    in_scope_accuracy: m.acc,
    oos_recall: m.recall,
    oos_threshold: choice.t,
    in_scope_accuracy_no_threshold: metrics(preds, a.oos, 0).acc, // for reference: no score threshold
    n_train: all.length,
    n_test: test.length,
    n_test_oos: m.nOos,
    train_seconds: final.seconds,
    train_seconds_holdout_model: holdModel.seconds,
    predict_us_p50: percentile(lat, 0.5),
    predict_us_p99: percentile(lat, 0.99),
    model_heap_bytes: heapBytes,
    lang: a.lang,
    test_files: testFiles,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
