// Child-process management (ServerProcess, RunLingxi) and the per-suite server fixture.
#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef LINGXI_BIN
#error "LINGXI_BIN must be defined (path of the lingxi binary)"
#endif

namespace lingxi::it {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }

int Remaining(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

// Waits for `pid` to exit until `deadline`; returns the decoded status, or nullopt on timeout.
std::optional<int> WaitPid(pid_t pid, Clock::time_point deadline) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (pidfd >= 0) ::close(pidfd);
      return DecodeWaitStatus(status);
    }
    if (r < 0 && errno != EINTR) {
      if (pidfd >= 0) ::close(pidfd);
      return -1;
    }
    if (Clock::now() >= deadline) {
      if (pidfd >= 0) ::close(pidfd);
      return std::nullopt;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, Remaining(deadline));
    } else {
      std::this_thread::sleep_for(5ms);  // no pidfd: poll the child's state
    }
  }
}

// fork + exec LINGXI_BIN. stdout goes to `out_fd`, stderr to `err_fd`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& cwd, const EnvVars& env, int out_fd, int err_fd) {
  std::vector<std::string> argv_s{LINGXI_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) Fail("fork failed");
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::unsetenv("LINGXI_CONFIG");
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

// ---- TempDir / commands ----------------------------------------------------------------

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/lingxi-it-XXXXXX";
  if (!::mkdtemp(tmpl.data())) Fail("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult RunLingxi(const std::vector<std::string>& args, const std::string& cwd, const EnvVars& env) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) Fail("pipe failed");
  pid_t pid = Spawn(args, cwd, env, fds[1], fds[1]);
  ::close(fds[1]);
  CommandResult r;
  const auto deadline = Clock::now() + 30s;
  std::array<char, 4096> buf;
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, Remaining(deadline)) <= 0) break;
    ssize_t n = ::read(fds[0], buf.data(), buf.size());
    if (n <= 0) break;
    r.out.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fds[0]);
  auto code = WaitPid(pid, deadline);
  if (!code) {
    ::kill(pid, SIGKILL);
    WaitPid(pid, Clock::now() + 5s);
    Fail("lingxi " + (args.empty() ? std::string() : args[0]) + " did not finish in 30 s");
  }
  r.exit_code = *code;
  return r;
}

std::string InitTenant(const std::string& data_dir, const std::string& account, const std::string& email,
                       const std::string& password) {
  auto r = RunLingxi({"init", "--account", account, "--email", email, "--password", password, "--data", data_dir},
                     fs::path(data_dir).parent_path().string());
  if (r.exit_code != 0) Fail("lingxi init failed (" + std::to_string(r.exit_code) + "): " + r.out);
  const std::string key = "widget token ";
  auto at = r.out.find(key);
  if (at == std::string::npos) Fail("lingxi init printed no widget token: " + r.out);
  at += key.size();
  auto end = r.out.find_first_of("; \n", at);
  return r.out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// ---- ServerProcess ----------------------------------------------------------------------

ServerProcess::ServerProcess(std::string root, bool demo, EnvVars env)
    : root_(std::move(root)), demo_(demo), env_(std::move(env)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

void ServerProcess::Start() {
  if (pid_ > 0) Fail("server already running");
  fs::create_directories(data_dir());
  log_path_ = root_ + "/server-" + std::to_string(++starts_) + ".log";
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) Fail("cannot create " + log_path_);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) Fail("pipe failed");
  std::vector<std::string> args{"serve", "--port", "0", "--data", data_dir()};
  if (demo_) {
    args.insert(args.begin() + 1, {"--demo", "--demo-kb", std::string(LINGXI_SOURCE_DIR) + "/data/demo/kb"});
  }
  pid_ = Spawn(args, root_, env_, fds[1], log_fd);
  ::close(fds[1]);
  ::close(log_fd);
  out_fd_ = fds[0];

  const auto deadline = Clock::now() + 20s;
  const std::string marker = "LISTENING http://127.0.0.1:";
  std::string out;
  std::array<char, 1024> buf;
  for (;;) {
    auto at = out.find(marker);
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      port_ = static_cast<uint16_t>(std::stoi(out.substr(at + marker.size())));
      return;
    }
    pollfd p{out_fd_, POLLIN, 0};
    int pr = ::poll(&p, 1, Remaining(deadline));
    ssize_t n = pr > 0 ? ::read(out_fd_, buf.data(), buf.size()) : 0;
    if (n <= 0) {
      const bool timed_out = pr == 0;
      Kill();
      Fail(std::string(timed_out ? "server did not report LISTENING within 20 s" : "server exited during start-up") +
           "; stdout: " + out + "\nlog tail:\n" + LogTail());
    }
    out.append(buf.data(), static_cast<size_t>(n));
  }
}

int ServerProcess::Wait(Clock::time_point deadline) {
  auto code = WaitPid(pid_, deadline);
  int result = -1000;
  if (code) {
    result = *code;
  } else {
    ::kill(pid_, SIGKILL);
    WaitPid(pid_, Clock::now() + 10s);
  }
  pid_ = -1;
  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
  return result;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  return Wait(Clock::now() + 15s);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Wait(Clock::now() + 10s);
}

std::string ServerProcess::LogTail(size_t bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// ---- SharedServerTest -------------------------------------------------------------------

void SharedServerTest::StartShared(EnvVars env) {
  dir_ = std::make_unique<TempDir>();
  server_ = std::make_unique<ServerProcess>(dir_->path(), /*demo=*/true, std::move(env));
  server_->Start();
}

void SharedServerTest::StopShared() {
  if (server_ && server_->running()) {
    int code = server_->Stop();
    EXPECT_EQ(code, 0) << "graceful shutdown failed; log tail:\n" << server_->LogTail();
  }
  server_.reset();
  dir_.reset();
}

uint16_t SharedServerTest::port() { return server().port(); }

ServerProcess& SharedServerTest::server() {
  if (!server_ || !server_->running()) Fail("the suite's server is not running");
  return *server_;
}

}  // namespace lingxi::it
