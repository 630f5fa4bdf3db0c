#include "core/process.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>

namespace lingxi {
namespace {

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST(PrepareFileDescriptors, GrowsTheTableOnceAndLeavesNothingOpen) {
  rlimit rl{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  const size_t open_before = OpenDescriptors();
  const size_t want = std::min<size_t>(rl.rlim_max == RLIM_INFINITY ? 4096 : rl.rlim_max, 4096);
  auto r = PrepareFileDescriptors(want);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The soft limit is the hard one now (or stays, when raising it is not allowed).
  EXPECT_EQ(r->hard, rl.rlim_max);
  EXPECT_GE(r->soft, r->soft_before);
  rlimit now{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, r->soft);
  // The kernel's table holds `want` descriptors already (the kernel rounds up to a power of two).
  const size_t expected = std::min<size_t>(want, r->soft);
  EXPECT_GE(r->table, expected);
  EXPECT_GE(FileDescriptorTableSize(), expected);
  EXPECT_EQ(OpenDescriptors(), open_before);
}

TEST(PrepareFileDescriptors, ATableSizeOfOneChangesNothing) {
  const size_t open_before = OpenDescriptors();
  auto r = PrepareFileDescriptors(1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(OpenDescriptors(), open_before);
}

}  // namespace
}  // namespace lingxi
