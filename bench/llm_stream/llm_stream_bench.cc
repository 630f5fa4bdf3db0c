// lingxi_llm_bench: N concurrent streamed answers through llm::ChatClient against the mock OpenAI
// server (started in a forked child process so its memory is not counted). Prints JSON:
// completed, errors, added first-token latency (client-observed first token minus the delay the
// mock was scripted to wait), RSS growth per stream, and cancel-to-done latency.
//   lingxi_llm_bench [--streams 1000] [--cancel 100] [--tps 50] [--tokens 150] [--ramp-ms 0] [--mock-threads 1]
//                    [--duration-s 0] [--warm-s 8] [--pin] [--no-fd-reserve] [--trace FILE]
// Two modes. One wave (default): `streams` answers start together (or spread over --ramp-ms), the
// first `cancel` are cancelled mid-answer, and the run ends when all are done: a cold start, every
// stream opens a new connection. Steady state (--duration-s D > 0): `streams` answers stay in flight
// for D seconds, each finished answer replaced by a new one at once (connections are reused as a
// long-running server reuses them); first-token figures cover the answers started after --warm-s.
// --pin puts the mock on CPU 0 and the client on CPU 1, so the model's stand-in does not compete
// with the client for a core (as a remote model server would not).
// --trace FILE writes one CSV row per measured answer (when it was submitted and the parts of its
// first-token latency), to see whether a tail is spread out (queueing) or bunched (a stall).
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/process.h"
#include "llm/chat_client.h"
#include "support/mock_openai.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr int kDelays[] = {1000, 1500, 2000, 2500, 3000};  // scripted first-token delays

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// One reading of /proc/stat's first line (all CPUs, in clock ticks) at a steady-clock time.
struct CpuSample {
  Clock::time_point at;
  long long busy = 0, idle = 0, steal = 0;  // busy excludes steal; idle includes iowait
};

CpuSample ReadCpu() {
  CpuSample s;
  s.at = Clock::now();
  std::ifstream in("/proc/stat");
  std::string cpu;
  long long v[10] = {0};
  in >> cpu;
  for (long long& x : v) in >> x;
  // user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
  s.busy = v[0] + v[1] + v[2] + v[5] + v[6];
  s.idle = v[3] + v[4];
  s.steal = v[7];
  return s;
}

// Shares of the machine's time (all CPUs) that were idle and stolen by the hypervisor between the
// samples around [from, to].
struct CpuShares {
  double idle = -1, steal = -1;
};
CpuShares SharesBetween(const std::vector<CpuSample>& samples, Clock::time_point from, Clock::time_point to) {
  auto lo = std::upper_bound(samples.begin(), samples.end(), from,
                             [](Clock::time_point t, const CpuSample& s) { return t < s.at; });
  auto hi = std::lower_bound(samples.begin(), samples.end(), to,
                             [](const CpuSample& s, Clock::time_point t) { return s.at < t; });
  if (lo != samples.begin()) --lo;
  if (hi == samples.end()) --hi;
  if (lo >= hi) return {};
  const double busy = hi->busy - lo->busy, idle = hi->idle - lo->idle, steal = hi->steal - lo->steal;
  const double total = busy + idle + steal;
  if (total <= 0) return {};
  return {idle / total, steal / total};
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

// Child: serves the mock until the parent closes `control_fd`.
[[noreturn]] void RunMock(int port_fd, int control_fd, int tps, int tokens, int threads) {
  std::string content;
  for (int i = 0; i < tokens; ++i) content += (i == 0 ? "word" : " word");
  std::vector<lingxi::testing::MockRule> rules;
  for (int d : kDelays) {
    lingxi::testing::MockRule r;
    r.user_contains = "[d" + std::to_string(d) + "]";
    r.content = content;
    r.first_token_delay_ms = d;
    r.keepalive_ms = 500;
    r.tokens_per_second = tps;
    r.prompt_tokens = 120;
    r.stamp_first_token = true;
    rules.push_back(r);
  }
  lingxi::testing::MockOpenAiServer mock(rules, {.threads = threads, .record_bodies = false});
  uint16_t port = mock.port();
  if (write(port_fd, &port, sizeof port) != sizeof port) _exit(1);
  char c;
  while (read(control_fd, &c, 1) > 0) {
  }
  _exit(0);
}

struct StreamStat {
  Clock::time_point submitted, first_token, done, cancelled_at;
  int scheduled_delay_ms = 0;
  // The added first-token latency, split at the mock's stamps (all on the steady clock):
  double to_mock_ms = -1;     // StreamChat() -> the mock has the whole request (connect, send, accept, parse)
  double mock_late_ms = -1;   // the mock's send minus (receipt + scheduled delay): the mock's timer lateness
  double delivery_ms = -1;    // the mock's send of the first token -> on_delta (client-side receive + parse)
  double submit_call_ms = 0;  // how long StreamChat() itself took on the caller's thread
  Clock::time_point sending;  // the HTTP client is about to write the request (connection ready)
  bool sent = false;
  bool ok = false, cancelled = false, got_token = false;
};

}  // namespace

int main(int argc, char** argv) {
  int streams = 1000, cancel = 100, tps = 50, tokens = 150, ramp_ms = 0, mock_threads = 1, duration_s = 0, warm_s = 8;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::printf("lingxi_llm_bench [--streams 1000] [--cancel 100] [--tps 50] [--tokens 150] [--ramp-ms 0] "
                  "[--mock-threads 1] [--duration-s 0] [--warm-s 8] [--pin] [--no-fd-reserve] [--trace FILE]\n"
                  "Streams answers through llm::ChatClient from a mock OpenAI server (a forked child) with first\n"
                  "tokens after 1-3 s; prints first-token overhead, memory per stream and cancellation latency.\n"
                  "--duration-s D: steady state, `streams` answers kept in flight for D s (finished ones replaced at\n"
                  "once, no cancellations); first-token figures for the answers started after --warm-s.\n"
                  "--pin: the mock on CPU 0, the client on CPU 1.\n"
                  "--no-fd-reserve: do not grow the descriptor tables at start (to see the stalls it avoids).\n"
                  "--trace FILE: a CSV row per measured answer (submit time and the parts of its first-token latency).\n");
      return 0;
    }
  }
  bool pin = false, no_fd_reserve = false;
  std::string trace_path;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--pin") pin = true;
    if (std::string(argv[i]) == "--no-fd-reserve") no_fd_reserve = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    if (f == "--pin" || f == "--no-fd-reserve") {
      --i;  // a flag without a value
      continue;
    }
    int v = std::atoi(argv[i + 1]);
    if (f == "--streams") streams = v;
    if (f == "--cancel") cancel = v;
    if (f == "--tps") tps = v;
    if (f == "--tokens") tokens = v;
    if (f == "--ramp-ms") ramp_ms = v;  // spread submissions over this long (0 = one burst)
    if (f == "--mock-threads") mock_threads = std::max(1, v);  // the mock server's threads
    if (f == "--duration-s") duration_s = std::max(0, v);
    if (f == "--warm-s") warm_s = std::max(0, v);
    if (f == "--trace") trace_path = argv[i + 1];
  }
  cancel = duration_s > 0 ? 0 : std::min(cancel, streams);
  // As `lingxi serve` does at start (core/process.h), before any thread exists; the forked mock
  // gets its own table, so it does the same.
  if (!no_fd_reserve) (void)lingxi::PrepareFileDescriptors();
  int port_pipe[2], control_pipe[2];
  if (pipe(port_pipe) != 0 || pipe(control_pipe) != 0) return 1;
  auto pin_to = [](int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
  };
  pid_t child = fork();  // before any thread exists; threads inherit the affinity set below
  if (child == 0) {
    if (!no_fd_reserve) (void)lingxi::PrepareFileDescriptors();
    if (pin) pin_to(0);
    close(port_pipe[0]);
    close(control_pipe[1]);
    RunMock(port_pipe[1], control_pipe[0], tps, tokens, mock_threads);
  }
  if (pin) pin_to(1);
  close(port_pipe[1]);
  close(control_pipe[0]);
  uint16_t port = 0;
  if (read(port_pipe[0], &port, sizeof port) != sizeof port) return 1;

  lingxi::net::HttpClient http;
  lingxi::llm::ChatClientConfig config;
  config.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  config.api_key = "bench";
  config.timeout = milliseconds(60000);
  config.max_attempts = 1;
  lingxi::llm::ChatClient client(config, &http);

  auto make_request = [](int i, int delay) {
    lingxi::llm::ChatRequest r;
    r.messages = {lingxi::llm::ChatMessage::System("你是灵犀客服，简洁回答。"),
                  lingxi::llm::ChatMessage::User("问题 " + std::to_string(i) + " [d" + std::to_string(delay) + "]")};
    return r;
  };

  // Warm-up: one call so curl, the connection path and allocators are initialised.
  {
    std::promise<void> done;
    lingxi::llm::StreamCallbacks cb;
    cb.on_done = [&](lingxi::Result<lingxi::llm::ChatResult>) { done.set_value(); };
    client.StreamChat(make_request(-1, 1000), std::move(cb));
    done.get_future().wait();
  }

  // Every answer started gets a slot; in steady state an answer lasts >= 4 s (1 s to the first
  // token + 150 tokens at 50/s), so streams * (duration / 4 + 2) slots are enough.
  const size_t capacity = duration_s > 0 ? static_cast<size_t>(streams) * (duration_s / 4 + 2) : streams;
  std::vector<StreamStat> stats(capacity);
  std::vector<std::shared_ptr<lingxi::llm::ChatCall>> calls(capacity);
  long rss_before = RssKb();  // after the bookkeeping above, so it is not counted per stream
  std::atomic<size_t> launched{0};
  std::atomic<int> in_flight{0};
  std::atomic<bool> replacing{duration_s > 0};
  std::promise<void> all_done;
  std::atomic<long> rss_peak{rss_before};
  std::atomic<bool> sampling{true};
  // The machine's CPU time every 20 ms (read after the run, when this thread has stopped): a slow
  // answer can then be matched with how busy the machine was, and whether the hypervisor took time.
  std::vector<CpuSample> cpu_samples;
  cpu_samples.reserve(static_cast<size_t>(duration_s + 120) * 50);
  std::thread sampler([&] {
    while (sampling.load()) {
      long r = RssKb();
      if (r > rss_peak.load()) rss_peak.store(r);
      cpu_samples.push_back(ReadCpu());
      std::this_thread::sleep_for(milliseconds(20));
    }
  });

  // Starts answer number `i` (slot i). Called from main and, in steady state, from on_done.
  std::function<void(size_t)> launch = [&](size_t i) {
    int delay = kDelays[i % 5];
    StreamStat* st = &stats[i];
    st->scheduled_delay_ms = delay;
    lingxi::llm::StreamCallbacks cb;
    cb.on_sending = [st] {
      if (st->sent) return;
      st->sent = true;
      st->sending = Clock::now();
    };
    cb.on_delta = [st](std::string_view text) {
      if (st->got_token) return;
      st->got_token = true;
      st->first_token = Clock::now();
      if (!text.starts_with("[t:")) return;  // "[t:<sent µs>,r:<received µs>]"
      size_t close = text.find(']');
      std::string stamp(text.substr(3, close == std::string_view::npos ? 0 : close - 3));
      double sent_us = std::atof(stamp.c_str());
      auto comma = stamp.find(",r:");
      double received_us = comma == std::string::npos ? -1 : std::atof(stamp.c_str() + comma + 3);
      auto us = [](Clock::time_point t) { return std::chrono::duration<double, std::micro>(t.time_since_epoch()).count(); };
      st->delivery_ms = (us(st->first_token) - sent_us) / 1000.0;
      if (received_us > 0) {
        st->to_mock_ms = (received_us - us(st->submitted)) / 1000.0;
        st->mock_late_ms = (sent_us - received_us) / 1000.0 - st->scheduled_delay_ms;
      }
    };
    cb.on_done = [st, &launch, &launched, &in_flight, &replacing, &all_done, capacity](
                     lingxi::Result<lingxi::llm::ChatResult> r) {
      st->done = Clock::now();
      st->ok = r.ok();
      st->cancelled = r.status().code() == lingxi::StatusCode::kCancelled;
      if (!r.ok() && !st->cancelled) std::fprintf(stderr, "error: %s\n", r.status().ToString().c_str());
      if (replacing.load()) {
        size_t next = launched.fetch_add(1);
        if (next < capacity) {
          launch(next);  // in_flight unchanged: one ends, one starts
          return;
        }
      }
      if (in_flight.fetch_sub(1) == 1) all_done.set_value();
    };
    st->submitted = Clock::now();
    calls[i] = client.StreamChat(make_request(static_cast<int>(i), delay), std::move(cb));
    st->submit_call_ms = std::chrono::duration<double, std::milli>(Clock::now() - st->submitted).count();
  };

  auto t_start = Clock::now();
  in_flight.store(streams);
  launched.store(streams);
  for (int i = 0; i < streams; ++i) {
    if (ramp_ms > 0) std::this_thread::sleep_until(t_start + milliseconds(static_cast<int64_t>(ramp_ms) * i / streams));
    launch(i);
  }
  if (duration_s > 0) {
    std::this_thread::sleep_until(t_start + std::chrono::seconds(duration_s));
    replacing.store(false);  // let the answers in flight finish
  } else {
    // Cancel the first `cancel` streams mid-answer (after every first token is due, before the end).
    std::this_thread::sleep_until(t_start + milliseconds(4000 + ramp_ms));
    for (int i = 0; i < cancel; ++i) {
      stats[i].cancelled_at = Clock::now();
      calls[i]->Cancel();
    }
  }
  all_done.get_future().wait();
  auto t_end = Clock::now();
  sampling.store(false);
  sampler.join();
  calls.clear();

  // Wave mode: every answer. Steady state: answers started after the warm-up.
  const auto measured_from = duration_s > 0 ? t_start + std::chrono::seconds(warm_s) : t_start;
  const size_t total = std::min(launched.load(), capacity);
  int completed = 0, errors = 0, cancelled = 0, measured = 0;
  std::vector<double> added, cancel_ms, delivery, to_mock, mock_late, submit_call, added_client;
  std::vector<double> client_submit, wire_to_mock, lingxi_own;
  // Answers whose own added latency is over 5 ms (the target): the machine's idle and stolen time
  // in the 100 ms before their first token, against the same for every measured answer.
  std::vector<double> slow_idle, slow_steal, all_idle, all_steal;
  FILE* trace = trace_path.empty() ? nullptr : std::fopen(trace_path.c_str(), "w");
  if (!trace_path.empty() && trace == nullptr) std::perror(trace_path.c_str());
  // Times in the trace are from t_start; its steady-clock (CLOCK_MONOTONIC) value lines them up with
  // other recordings (for example /proc/stat sampled by a script).
  if (trace != nullptr) {
    std::fprintf(trace, "# t_start_monotonic_ms=%.3f\n",
                 std::chrono::duration<double, std::milli>(t_start.time_since_epoch()).count());
    std::fprintf(trace, "submitted_ms,first_token_ms,submit_to_sending_ms,sending_to_receipt_ms,mock_late_ms,"
                        "delivery_ms,lingxi_own_ms\n");
  }
  for (size_t i = 0; i < total; ++i) {
    const auto& s = stats[i];
    if (s.ok) ++completed;
    if (s.cancelled) {
      ++cancelled;
      cancel_ms.push_back(std::chrono::duration<double, std::milli>(s.done - s.cancelled_at).count());
    } else if (!s.ok) {
      ++errors;
    }
    if (s.submitted < measured_from) continue;
    ++measured;
    submit_call.push_back(s.submit_call_ms);
    if (s.got_token) {
      double observed = std::chrono::duration<double, std::milli>(s.first_token - s.submitted).count();
      added.push_back(observed - s.scheduled_delay_ms);
      if (s.delivery_ms >= 0) delivery.push_back(s.delivery_ms);
      if (s.to_mock_ms >= 0) to_mock.push_back(s.to_mock_ms);
      if (s.to_mock_ms >= 0) mock_late.push_back(s.mock_late_ms);
      // The model's own time runs from receipt to send; everything else is on our side of the wire
      // (plus the mock's accept and parse, which a real provider also has).
      if (s.to_mock_ms >= 0) added_client.push_back(s.to_mock_ms + s.delivery_ms);
      // Split at the moment the request is written: before it is the client's (queueing to its
      // loop thread, connecting); after it, until receipt, the wire and the mock's accept and read.
      if (s.sent && s.to_mock_ms >= 0) {
        const double submit_ms = std::chrono::duration<double, std::milli>(s.sending - s.submitted).count();
        client_submit.push_back(submit_ms);
        wire_to_mock.push_back(s.to_mock_ms - submit_ms);
        lingxi_own.push_back(submit_ms + s.delivery_ms);
        const CpuShares around = SharesBetween(cpu_samples, s.first_token - milliseconds(100), s.first_token);
        if (around.idle >= 0) {
          all_idle.push_back(around.idle);
          all_steal.push_back(around.steal);
          if (submit_ms + s.delivery_ms > 5.0) {
            slow_idle.push_back(around.idle);
            slow_steal.push_back(around.steal);
          }
        }
        if (trace != nullptr) {
          std::fprintf(trace, "%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
                       std::chrono::duration<double, std::milli>(s.submitted - t_start).count(),
                       std::chrono::duration<double, std::milli>(s.first_token - t_start).count(), submit_ms,
                       s.to_mock_ms - submit_ms, s.mock_late_ms, s.delivery_ms, submit_ms + s.delivery_ms);
        }
      }
    }
  }
  if (trace != nullptr) std::fclose(trace);
  long rss_delta = rss_peak.load() - rss_before;
  std::printf(
      "{\"streams\": %d, \"pin\": %s, \"ramp_ms\": %d, \"duration_s\": %d, \"answers\": %zu, \"measured\": %d, \"completed\": %d, "
      "\"errors\": %d, \"cancelled\": %d, \"wall_s\": %.2f,\n"
      " \"added_first_token_ms\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f},\n"
      " \"added_excluding_mock_timer_ms\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f},\n"
      " \"lingxi_own_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"submit_to_sending_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"sending_to_mock_receipt_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"first_token_delivery_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"submit_to_mock_receipt_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"mock_timer_lateness_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"stream_chat_call_ms\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n"
      " \"rss_kb\": {\"before\": %ld, \"peak\": %ld, \"per_stream_kb\": %.1f},\n"
      " \"cancel_to_done_ms\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f},\n"
      " \"http_active_after\": %zu, \"mock\": {\"first_token_delay_ms\": [1000, 3000], \"tokens_per_s\": %d, "
      "\"tokens\": %d}}\n",
      streams, pin ? "true" : "false", ramp_ms, duration_s, total, measured, completed, errors, cancelled, std::chrono::duration<double>(t_end - t_start).count(),
      Percentile(added, 0.5), Percentile(added, 0.99), Percentile(added, 1.0), Percentile(added_client, 0.5),
      Percentile(added_client, 0.99), Percentile(added_client, 1.0), Percentile(lingxi_own, 0.5),
      Percentile(lingxi_own, 0.99), Percentile(lingxi_own, 1.0), Percentile(client_submit, 0.5),
      Percentile(client_submit, 0.99), Percentile(client_submit, 1.0), Percentile(wire_to_mock, 0.5),
      Percentile(wire_to_mock, 0.99), Percentile(wire_to_mock, 1.0), Percentile(delivery, 0.5),
      Percentile(delivery, 0.99), Percentile(delivery, 1.0), Percentile(to_mock, 0.5), Percentile(to_mock, 0.99),
      Percentile(to_mock, 1.0), Percentile(mock_late, 0.5), Percentile(mock_late, 0.99), Percentile(mock_late, 1.0),
      Percentile(submit_call, 0.5), Percentile(submit_call, 0.99), Percentile(submit_call, 1.0), rss_before, rss_peak.load(),
      static_cast<double>(rss_delta) / streams, Percentile(cancel_ms, 0.5), Percentile(cancel_ms, 0.99),
      Percentile(cancel_ms, 1.0), http.ActiveRequests(), tps, tokens);
  close(control_pipe[1]);
  int status = 0;
  waitpid(child, &status, 0);
  auto cpu = [](int who) {
    rusage u{};
    getrusage(who, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  auto mean = [](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? -1.0 : sum / static_cast<double>(v.size());
  };
  const CpuShares run = cpu_samples.empty() ? CpuShares{}
                                            : SharesBetween(cpu_samples, measured_from, cpu_samples.back().at);
  std::printf("{\"cpu_s\": {\"client_process\": %.2f, \"mock_process\": %.2f},\n"
              " \"machine\": {\"idle\": %.3f, \"steal\": %.4f, \"answers_over_5ms\": %zu,\n"
              "  \"100ms_before_first_token\": {\"all\": {\"idle\": %.3f, \"steal\": %.4f}, "
              "\"over_5ms\": {\"idle\": %.3f, \"steal\": %.4f}}}}\n",
              cpu(RUSAGE_SELF), cpu(RUSAGE_CHILDREN), run.idle, run.steal, slow_idle.size(), mean(all_idle),
              mean(all_steal), mean(slow_idle), mean(slow_steal));
  return errors == 0 ? 0 : 1;
}
