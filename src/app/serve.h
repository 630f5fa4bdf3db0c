// `lingxi serve`: wires every module together and runs until SIGTERM/SIGINT.
#pragma once

#include <string>

#include "core/config.h"

namespace lingxi::app {

struct ServeFlags {
  std::string demo_kb_dir;  // where the demo articles live (demo mode)
};

// Returns the process exit code (0 after a graceful shutdown).
int RunServe(const Config& config, const ServeFlags& flags);

// Opens <data_dir>/lingxi.db (creating the directory). Used by every subcommand.
std::string DatabasePath(const Config& config);

}  // namespace lingxi::app
