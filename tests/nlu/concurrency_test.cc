// Runs Normalize and Search from several threads on shared objects. Meaningful under ASan/TSan
// builds; in a plain build it still checks that every thread sees the single-threaded answers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "nlu/bm25_index.h"
#include "nlu/signals.h"
#include "test_normalizer.h"

namespace lingxi::nlu {
namespace {

TEST(Concurrency, SearchAndNormalizeFromManyThreads) {
  auto normalizer = testing::SharedNormalizer();
  ASSERT_NE(normalizer, nullptr);
  auto index =
      Bm25Index::Build(normalizer, {{1, {{"退货政策", 2.0}, {"七天无理由退货", 1.0}}},
                                    {2, {{"Refund policy", 2.0}, {"Refunds within 5 days", 1.0}}},
                                    {3, {{"運費說明", 2.0}, {"满99包邮", 1.0}}}});
  const std::vector<std::string> queries = {"退貨怎麼辦", "refunds?", "运费多少",
                                            "ＲＥＦＵＮＤ policy"};
  std::vector<int64_t> expected_top;
  std::vector<std::string> expected_norm;
  for (const std::string& q : queries) {
    auto hits = index->Search(q, 1);
    ASSERT_FALSE(hits.empty()) << q;
    expected_top.push_back(hits[0].id);
    expected_norm.push_back(normalizer->Normalize(q));
  }

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        size_t q = static_cast<size_t>(i + t) % queries.size();
        auto hits = index->Search(queries[q], 3);
        if (hits.empty() || hits[0].id != expected_top[q]) ++mismatches;
        if (normalizer->Normalize(queries[q]) != expected_norm[q]) ++mismatches;
        if (AnalyzeSignals(*normalizer, "轉人工!!!").wants_human != true) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(Concurrency, CreateFromManyThreads) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto n = Normalizer::Create();
      if (!n.ok() || (*n)->Normalize("這個") != "这个") ++failures;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace lingxi::nlu
