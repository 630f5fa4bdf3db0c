// Process-wide set-up for servers: file descriptors.
//
// A process's table of open files starts small, and the kernel doubles it as descriptors pass
// 64, 256, 512, 1024, ... In a multi-threaded process each doubling waits for an RCU grace period
// (expand_fdtable -> synchronize_rcu), which stalls the thread that opened the descriptor for
// 10-20 ms: measured on the HTTP client's loop thread, socket() returning descriptor 255 took
// 13.7 ms and 512 took 9.5 ms, and every streamed answer waited behind it. Growing the table once,
// before threads start, removes those stalls.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/status.h"

namespace lingxi {

struct FileDescriptorLimits {
  uint64_t soft_before = 0;  // RLIMIT_NOFILE soft limit found at start
  uint64_t soft = 0;         // soft limit now (raised to the hard limit when allowed)
  uint64_t hard = 0;
  size_t table = 0;          // descriptors the kernel's table holds now (/proc/self/status FDSize)
};

// Raises the soft RLIMIT_NOFILE to the hard limit and grows the descriptor table to hold
// min(soft limit, max_table) descriptors now. Opens and closes two descriptors; leaves none open.
// Call it at the start of main, before any thread exists (it works later too, but then pays one
// stall itself). Errors: Unavailable if /dev/null cannot be opened or the table cannot grow (the
// process still works, with the stalls).
Result<FileDescriptorLimits> PrepareFileDescriptors(size_t max_table = 65536);

// The current size of this process's descriptor table (FDSize in /proc/self/status), 0 if unknown.
size_t FileDescriptorTableSize();

}  // namespace lingxi
