// lingxi_loadgen: load generator for the Lingxi widget API (HTTP + WebSocket), one io_context, one thread.
//   turns: N customers, each with its own conversation and WebSocket; an open-loop schedule of customer
//          turns at --rate per second; latency = message frame sent -> bot reply event received.
//   idle:  N idle customer WebSockets held open for --hold seconds (server memory per connection).
// Callback style (no coroutines); per-customer buffers are reused and message frames are pre-serialized.
#include <sys/resource.h>

#include <cmath>
#include <fstream>

#include "core/process.h"
#include "loadgen.h"

namespace lingxi_loadgen {

const char* const kUsage =
    "usage: lingxi_loadgen turns|idle [options]\n"
    "  --host H (127.0.0.1)  --port P (8080)  --source-ip A (bind local address, e.g. 127.0.0.2)\n"
    "  --inbox-token T (demo)  --setup-concurrency N (64 conversation setups in flight)\n"
    "  --server-pid PID (report the server's VmRSS from /proc)  --label S (copied into the JSON)\n"
    "  turns: --customers N (1000) --rate R turns/s (1000) --duration S (10) --warmup S (2)\n"
    "         --turn-timeout S (10; a turn without bot reply by then is an error)\n"
    "  idle:  --connections N (1000) --hold S (10)\n"
    "Prints a human-readable summary and a final line 'RESULT {json}'.\n";

// Questions the demo knowledge base answers (zh + en). Out-of-scope questions are left out on purpose: a
// handoff takes the conversation out of bot mode, so later turns would get no bot reply. Neighbouring entries
// are on different topics, because the bot hands off when a message repeats one of the previous two.
const char* const kQuestions[] = {
    "How long does shipping take?", "如何申请退货？", "When will I get my refund?",
    "快递显示已签收但是我没收到", "Can I get an invoice for my order?", "会员怎么续费？", "你好",
    "How much is the shipping fee?", "退款多久到账？", "How do I return an item?", "怎么开发票？",
    "My package says delivered but I never got it", "How do I cancel my order?", "hello",
    "忘记密码了怎么办", "What payment methods do you accept?", "怎么修改收货地址？", "Do you ship internationally?",
    "优惠券怎么用？", "The item I received is damaged", "退货运费谁出？", "How do I track my order?",
    "支付失败怎么办", "I received the wrong item", "保修怎么申请？", "Hi there",
    "How do I change my shipping address?", "我的包裹延迟了，还没到", "How do I renew my subscription?",
    "可以换尺码吗？", "Is there price protection?", "订单怎么取消？",
};
const size_t kNumQuestions = sizeof(kQuestions) / sizeof(kQuestions[0]);

std::string JsonEscape(std::string_view s) { return json::serialize(json::value(json::string(s))); }

Rss ReadRss(int pid) {
  Rss r;
  if (pid <= 0) return r;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  for (int i = 0; i < 100 && std::getline(f, line); ++i) {
    if (line.rfind("VmRSS:", 0) == 0) r.rss_kb = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) r.hwm_kb = std::atol(line.c_str() + 6);
  }
  return r;
}

double Pct(const std::vector<int64_t>& sorted, double p) {  // nanoseconds -> milliseconds
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size()))) - 1;
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1e6;
}

void Generator::StartTurns() {
  phase_ = kRun;
  t0_ = Clock::now();
  total_turns_ = static_cast<uint64_t>(o_.rate * (o_.warmup + o_.duration));
  measure_from_ = t0_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.warmup));
  lat_.reserve(static_cast<size_t>(o_.rate * o_.duration) + 16);
  lat_sched_.reserve(lat_.capacity());
  std::printf("turns: %.0f/s for %.0f s (+%.0f s warm-up) over %llu customers\n", o_.rate, o_.duration, o_.warmup,
              (unsigned long long)setup_ok_);
  std::fflush(stdout);
  Tick();
  Sweep();
}

void Generator::Tick() {
  const auto now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - t0_).count();
  const uint64_t due = std::min(total_turns_, static_cast<uint64_t>(elapsed * o_.rate));
  for (; issued_ < due; ++issued_) {
    auto sched = t0_ + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(static_cast<double>(issued_) / o_.rate));
    SendTurn(sched, sched >= measure_from_);
  }
  if (issued_ >= total_turns_) {
    phase_ = kDrain;
    drain_started_ = now;
    return Drain();
  }
  // Wake at the next scheduled send, but at most 1000 times a second (sends are batched per wake-up).
  const auto next = t0_ + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(static_cast<double>(issued_) / o_.rate));
  timer_.expires_at(std::max(next, now + std::chrono::milliseconds(1)));
  timer_.async_wait([this](error_code ec) {
    if (!ec) Tick();
  });
}

void Generator::SendTurn(Clock::time_point sched, bool measured) {
  uint32_t idx = 0;
  bool found = false;
  while (!idle_.empty() && !found) {  // the queue may hold stale entries of reset customers
    idx = idle_.front();
    idle_.pop_front();
    found = customers_[idx].state == Customer::kIdle;
  }
  if (!found) {
    if (measured) ++skipped_;
    return;
  }
  Customer& c = customers_[idx];
  c.state = Customer::kBusy;
  c.sched_at = sched;
  c.measured = measured;
  c.frame.assign(frame_prefix_[c.next_q]);
  c.next_q = (c.next_q + 1) % kNumQuestions;
  c.frame.append(std::to_string(issued_)).append("\"}");
  if (measured) ++sent_;
  auto conn = c.conn;
  c.sent_at = Clock::now();
  conn->ws.async_write(asio::buffer(c.frame), [this, conn](error_code ec, size_t) {
    if (ec && !conn->retired) ++write_errors_;
  });
}

// Turns without a bot reply after --turn-timeout count as errors; the customer starts over.
void Generator::Sweep() {
  if (phase_ == kDone) return;
  const auto limit = Clock::now() - std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(o_.turn_timeout));
  for (size_t i = 0; i < customers_.size(); ++i) {
    if (customers_[i].state == Customer::kBusy && customers_[i].sent_at < limit) {
      if (customers_[i].measured) ++timeouts_;
      Reset(static_cast<uint32_t>(i));
    }
  }
  sweep_.expires_after(std::chrono::milliseconds(250));
  sweep_.async_wait([this](error_code ec) {
    if (!ec) Sweep();
  });
}

void Generator::Drain() {
  size_t busy = 0;
  for (auto& c : customers_) busy += c.state == Customer::kBusy;
  const double waited = std::chrono::duration<double>(Clock::now() - drain_started_).count();
  if (busy == 0 || waited > o_.turn_timeout) {
    incomplete_ = busy;
    return Finish();
  }
  timer_.expires_after(std::chrono::milliseconds(20));
  timer_.async_wait([this](error_code ec) {
    if (!ec) Drain();
  });
}

void Generator::StartHold() {
  phase_ = kRun;
  t0_ = Clock::now();
  established_ = open_conns_;
  rss_start_ = ReadRss(o_.server_pid);
  std::printf("idle: %lld connections established, server VmRSS %ld kB; holding %.0f s\n", (long long)open_conns_,
              rss_start_.rss_kb, o_.hold);
  std::fflush(stdout);
  HoldTick();
}

void Generator::HoldTick() {
  Rss r = ReadRss(o_.server_pid);
  rss_max_kb_ = std::max(rss_max_kb_, r.rss_kb);
  min_open_ = std::min(min_open_, open_conns_);
  if (std::chrono::duration<double>(Clock::now() - t0_).count() >= o_.hold) return Finish();
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](error_code ec) {
    if (!ec) HoldTick();
  });
}

void Generator::Finish() {
  phase_ = kDone;
  stopping_ = true;
  sweep_.cancel();
  Rss rss = ReadRss(o_.server_pid);
  json::object r;
  r["scenario"] = o_.scenario;
  if (!o_.label.empty()) r["label"] = o_.label;
  r["source_ip"] = o_.source_ip.empty() ? "any" : o_.source_ip;
  r["setup_ok"] = setup_ok_;
  r["setup_errors"] = setup_http_fail_ + setup_http_status_ + setup_ws_fail_;
  r["setup_ms"] = std::llround(setup_seconds_ * 1000);
  r["server_rss_kb"] = rss.rss_kb;
  r["server_hwm_kb"] = rss.hwm_kb;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  const double wall = std::chrono::duration<double>(Clock::now() - setup_started_).count();
  std::printf("loadgen CPU: %.1f s in %.1f s wall (%.0f%% of one core)\n", cpu, wall, 100 * cpu / wall);
  r["loadgen_cpu_pct"] = std::llround(100 * cpu / wall);
  if (o_.scenario == "turns") {
    std::sort(lat_.begin(), lat_.end());
    std::sort(lat_sched_.begin(), lat_sched_.end());
    const double achieved = static_cast<double>(completed_) / o_.duration;
    std::printf("turns: target %.0f/s, sent %llu, completed %llu (%.0f/s), skipped %llu, timeouts %llu, "
                "errors %llu, handoffs %llu, incomplete %zu, ws closed %llu, write errors %llu\n",
                o_.rate, (unsigned long long)sent_, (unsigned long long)completed_, achieved,
                (unsigned long long)skipped_, (unsigned long long)timeouts_, (unsigned long long)turn_errors_,
                (unsigned long long)handoffs_, incomplete_, (unsigned long long)ws_closed_,
                (unsigned long long)write_errors_);
    std::printf("latency ms (send -> bot reply): p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f\n",
                Pct(lat_, 50), Pct(lat_, 90), Pct(lat_, 99), Pct(lat_, 99.9), Pct(lat_, 100));
    std::printf("latency ms (scheduled -> bot reply): p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f\n",
                Pct(lat_sched_, 50), Pct(lat_sched_, 90), Pct(lat_sched_, 99), Pct(lat_sched_, 99.9),
                Pct(lat_sched_, 100));
    r["customers"] = o_.customers;
    r["target_rate"] = std::llround(o_.rate);
    r["duration_ms"] = std::llround(o_.duration * 1000);
    r["achieved_rate"] = std::llround(achieved);
    r["sent"] = sent_;
    r["completed"] = completed_;
    r["skipped"] = skipped_;
    r["timeouts"] = timeouts_;
    r["errors"] = turn_errors_ + write_errors_ + ws_closed_ + server_errors_;
    r["handoffs"] = handoffs_;
    r["unexpected_bot_replies"] = unexpected_bot_;
    r["incomplete"] = incomplete_;
    json::object l, ls;
    static const std::pair<const char*, double> kPcts[] = {
        {"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p999", 99.9}, {"max", 100.0}};
    for (auto [name, p] : kPcts) {
      l[name] = std::llround(Pct(lat_, p) * 1000);  // integers print plainly in JSON
      ls[name] = std::llround(Pct(lat_sched_, p) * 1000);
    }
    r["latency_us"] = std::move(l);
    r["latency_from_schedule_us"] = std::move(ls);
  } else {
    std::printf("idle: established %lld, failed %llu, min open during hold %lld, open at end %lld; server VmRSS "
                "start %ld kB, max %ld kB, end %ld kB (VmHWM %ld kB)\n",
                (long long)established_, (unsigned long long)(setup_http_fail_ + setup_http_status_ + setup_ws_fail_),
                (long long)min_open_, (long long)open_conns_, rss_start_.rss_kb, rss_max_kb_, rss.rss_kb,
                rss.hwm_kb);
    r["connections"] = o_.connections;
    r["established"] = established_;
    r["min_open_during_hold"] = min_open_;
    r["open_at_end"] = open_conns_;
    r["hold_ms"] = std::llround(o_.hold * 1000);
    r["server_rss_start_kb"] = rss_start_.rss_kb;
    r["server_rss_max_kb"] = rss_max_kb_;
  }
  std::printf("RESULT %s\n", json::serialize(r).c_str());
  std::fflush(stdout);
  ioc_.stop();  // sockets close with the process
}

bool ParseArgs(int argc, char** argv, Options* o) {
  if (argc < 2) return false;
  o->scenario = argv[1];
  if (o->scenario != "turns" && o->scenario != "idle") return false;
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--help" || k == "-h" || i + 1 >= argc) return false;
    std::string v = argv[++i];
    try {
      if (k == "--host") o->host = v;
      else if (k == "--port") o->port = static_cast<unsigned short>(std::stoi(v));
      else if (k == "--source-ip") o->source_ip = v;
      else if (k == "--inbox-token") o->inbox_token = v;
      else if (k == "--label") o->label = v;
      else if (k == "--customers") o->customers = std::stoi(v);
      else if (k == "--connections") o->connections = std::stoi(v);
      else if (k == "--setup-concurrency") o->setup_concurrency = std::stoi(v);
      else if (k == "--server-pid") o->server_pid = std::stoi(v);
      else if (k == "--rate") o->rate = std::stod(v);
      else if (k == "--duration") o->duration = std::stod(v);
      else if (k == "--warmup") o->warmup = std::stod(v);
      else if (k == "--hold") o->hold = std::stod(v);
      else if (k == "--turn-timeout") o->turn_timeout = std::stod(v);
      else return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return o->customers > 0 && o->connections > 0 && o->setup_concurrency > 0 && o->rate > 0 && o->duration > 0 &&
         o->warmup >= 0 && o->hold >= 0 && o->turn_timeout > 0;
}

}  // namespace lingxi_loadgen

using namespace lingxi_loadgen;

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) {
    bool help = false;
    for (int i = 1; i < argc; ++i) help |= std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h";
    std::fputs(kUsage, help ? stdout : stderr);
    return help ? 0 : 2;
  }
  // Thousands of sockets: grow the descriptor table before they open, as lingxi does (core/process.h).
  (void)lingxi::PrepareFileDescriptors();
  asio::io_context ioc(1);
  Generator g(ioc, o);
  g.Start();
  ioc.run();
  return 0;
}
