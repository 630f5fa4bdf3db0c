// `lingxi eval intents`: trains the embedded intent classifier on JSONL files and scores it.
//
// Input lines are {"text": ..., "label": ...}; label "oos" marks out-of-scope. Progress goes to
// stderr; the last line of stdout is one JSON object with the metrics (rates as fractions).
// Not thread-safe: call from main() only.
#pragma once

#include <CLI/CLI.hpp>

namespace lingxi::app {

// Adds the `eval` subcommand (with `intents` under it) to `cli`.
void RegisterEvalCommand(CLI::App& cli);

// After parsing: runs the eval command if it was selected and returns its exit code, else -1.
int RunEvalIfSelected();

}  // namespace lingxi::app
