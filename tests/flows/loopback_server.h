// Test helper: a minimal HTTP/1.1 server on 127.0.0.1 (raw POSIX sockets, one thread, one
// request per connection, Connection: close). Records each request and answers with `handler`.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lingxi::flows::testing {

struct SeenRequest {
  std::string method, target, head, body;
};

class LoopbackServer {
 public:
  // Returns {status, body, extra header lines ("Name: value\r\n...")}. An empty status line
  // (status 0) means: never answer (the connection is held until Stop).
  struct Reply {
    int status = 200;
    std::string body;
    std::string extra_headers;
  };
  using Handler = std::function<Reply(const SeenRequest&)>;

  explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackServer() { Stop(); }

  void Stop() {
    if (stop_.exchange(true)) return;
    thread_.join();
    ::close(fd_);
    for (int c : held_) ::close(c);
  }
  int port() const { return port_; }
  std::vector<SeenRequest> requests() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int connections() const { return connections_.load(); }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      Serve(c);
    }
  }
  void Serve(int c) {
    std::string data;
    char buf[4096];
    size_t head_end = std::string::npos;
    size_t want = 0;
    while (true) {
      pollfd p{c, POLLIN, 0};
      if (stop_ || ::poll(&p, 1, 2000) <= 0) break;
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        size_t cl = data.find("Content-Length: ");
        if (cl == std::string::npos) cl = data.find("content-length: ");
        want = head_end + 4 + (cl != std::string::npos && cl < head_end ? std::stoul(data.substr(cl + 16)) : 0);
      }
      if (head_end != std::string::npos && data.size() >= want) break;
    }
    if (head_end == std::string::npos) {
      ::close(c);
      return;
    }
    SeenRequest r;
    r.head = data.substr(0, head_end);
    r.body = data.substr(head_end + 4);
    size_t sp1 = r.head.find(' '), sp2 = r.head.find(' ', sp1 + 1);
    r.method = r.head.substr(0, sp1);
    r.target = r.head.substr(sp1 + 1, sp2 - sp1 - 1);
    {
      std::lock_guard lock(mu_);
      seen_.push_back(r);
    }
    Reply reply = handler_(r);
    if (reply.status == 0) {
      held_.push_back(c);
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(reply.body.size()) + "\r\nConnection: close\r\n" + reply.extra_headers + "\r\n" + reply.body;
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    ::shutdown(c, SHUT_WR);
    ::close(c);
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
  std::mutex mu_;
  std::vector<SeenRequest> seen_;
  std::vector<int> held_;  // only touched by the server thread until Stop joined it
};

}  // namespace lingxi::flows::testing
