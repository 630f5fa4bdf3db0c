#include "core/process.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace lingxi {

size_t FileDescriptorTableSize() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("FDSize:", 0) == 0) return static_cast<size_t>(std::strtoull(line.c_str() + 7, nullptr, 10));
  }
  return 0;
}

Result<FileDescriptorLimits> PrepareFileDescriptors(size_t max_table) {
  FileDescriptorLimits out;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return Unavailable(std::string("getrlimit: ") + std::strerror(errno));
  out.soft_before = rl.rlim_cur;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;  // else keep the old soft limit
  }
  out.soft = rl.rlim_cur;
  out.hard = rl.rlim_max;
  const uint64_t want = std::min<uint64_t>(rl.rlim_cur, max_table);
  if (want > 1) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Unavailable(std::string("open /dev/null: ") + std::strerror(errno));
    // The lowest free descriptor at or above want - 1: the table must grow to hold it. (dup2 would
    // close whatever is there; F_DUPFD never touches an open descriptor.)
    int high = fcntl(fd, F_DUPFD_CLOEXEC, static_cast<int>(want - 1));
    const int err = errno;
    close(fd);
    if (high < 0) return Unavailable(std::string("growing the descriptor table: ") + std::strerror(err));
    close(high);
  }
  out.table = FileDescriptorTableSize();
  return out;
}

}  // namespace lingxi
