#include "core/metrics.h"

#include <fmt/format.h>

#include <set>

namespace lingxi {

Histogram::Histogram(std::vector<double> upper_bounds_seconds)
    : bounds_(std::move(upper_bounds_seconds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size()]) {
  for (size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::ObserveMicros(int64_t micros) {
  double s = static_cast<double>(micros) / 1e6;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (s <= bounds_[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(micros < 0 ? 0 : micros), std::memory_order_relaxed);
}

std::string Histogram::Render(const std::string& name, const std::string& labels) const {
  std::string out;
  uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds_[i], cumulative);
  }
  uint64_t count = count_.load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, count);
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {:.6f}\n", name, braces, sum_micros_.load() / 1e6);
  out += fmt::format("{}_count{} {}\n", name, braces, count);
  return out;
}

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry* r = new MetricsRegistry();
  return *r;
}

MetricsRegistry::Entry* MetricsRegistry::Find(const std::string& name, const std::string& labels) {
  for (auto& e : entries_)
    if (e->name == name && e->labels == labels) return e.get();
  return nullptr;
}

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard lock(mu_);
  if (Entry* e = Find(name, labels)) return e->counter.get();
  auto e = std::make_unique<Entry>(Entry{name, help, labels, "counter", std::make_unique<Counter>(), nullptr, nullptr});
  entries_.push_back(std::move(e));
  return entries_.back()->counter.get();
}

Gauge* MetricsRegistry::GetGauge(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard lock(mu_);
  if (Entry* e = Find(name, labels)) return e->gauge.get();
  auto e = std::make_unique<Entry>(Entry{name, help, labels, "gauge", nullptr, std::make_unique<Gauge>(), nullptr});
  entries_.push_back(std::move(e));
  return entries_.back()->gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard lock(mu_);
  if (Entry* e = Find(name, labels)) return e->histogram.get();
  auto h = std::make_unique<Histogram>(
      std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
  auto e = std::make_unique<Entry>(Entry{name, help, labels, "histogram", nullptr, nullptr, std::move(h)});
  entries_.push_back(std::move(e));
  return entries_.back()->histogram.get();
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  std::vector<std::string> names;  // first-registration order; series of one name stay together
  std::set<std::string> seen;
  for (const auto& e : entries_)
    if (seen.insert(e->name).second) names.push_back(e->name);
  for (const auto& name : names) {
    bool described = false;
    for (const auto& e : entries_) {
      if (e->name != name) continue;
      if (!described) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", e->name, e->help, e->name, e->type);
        described = true;
      }
      std::string braces = e->labels.empty() ? "" : "{" + e->labels + "}";
      if (e->counter) out += fmt::format("{}{} {}\n", e->name, braces, e->counter->value());
      if (e->gauge) out += fmt::format("{}{} {}\n", e->name, braces, e->gauge->value());
      if (e->histogram) out += e->histogram->Render(e->name, e->labels);
    }
  }
  return out;
}

}  // namespace lingxi
