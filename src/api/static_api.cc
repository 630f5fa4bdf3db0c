#include "api/static_api.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/http_status.h"
#include "server/blocking.h"

namespace lingxi::api {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using server::HttpRequest;
using server::HttpResponse;

namespace {

constexpr uintmax_t kMaxFileBytes = 8 * 1024 * 1024;

std::string ContentTypeFor(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// Lexical checks on the decoded path: every segment must be a plain, visible name.
bool SafeRelative(const std::string& path, fs::path* out) {
  if (path.empty() || path[0] != '/' || path.size() > 512) return false;
  fs::path rel;
  std::stringstream ss(path.substr(1));
  std::string seg;
  while (std::getline(ss, seg, '/')) {
    if (seg.empty()) continue;
    if (seg[0] == '.') return false;  // "..", ".", hidden files
    for (char c : seg)
      if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
    rel /= seg;
  }
  *out = rel;
  return true;
}

bool IsInside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  fs::path r = fs::canonical(root, ec);
  if (ec) return false;
  fs::path f = fs::canonical(file, ec);
  if (ec) return false;
  auto [ri, fi] = std::mismatch(r.begin(), r.end(), f.begin(), f.end());
  return ri == r.end();
}

bool AcceptsGzip(const HttpRequest& req) {
  const std::string* ae = req.Header("accept-encoding");
  return ae && ae->find("gzip") != std::string::npos;
}

Result<std::string> ReadFile(const std::string& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) return NotFound("no such file");
  if (size > kMaxFileBytes) return Internal("static file too large");
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound("no such file");
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (!in) return Internal("short read");
  return data;
}

asio::awaitable<HttpResponse> Serve(StaticOptions options, asio::thread_pool* workers, HttpRequest req) {
  if (req.path == "/" || req.path.empty()) {
    HttpResponse r;
    r.status = 302;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", "/console/");
    co_return r;
  }
  auto target = ResolveStatic(options, req.path);
  if (!target) co_return ErrorResponse(404, "not_found", "no such page");
  std::string file = target->file;
  bool gzip = false;
  if (AcceptsGzip(req)) {
    std::error_code ec;
    if (fs::is_regular_file(file + ".gz", ec)) {
      file += ".gz";
      gzip = true;
    }
  }
  auto read = [file]() { return ReadFile(file); };
  Result<std::string> data = co_await server::RunBlocking(*workers, std::move(read));
  if (!data.ok()) co_return ErrorResponse(data.status());
  HttpResponse r;
  r.status = 200;
  r.content_type = target->content_type;
  r.body = std::move(data).value();
  r.headers.emplace_back("Cache-Control", target->cache_control);
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  co_return r;
}

}  // namespace

std::optional<StaticTarget> ResolveStatic(const StaticOptions& options, const std::string& path) {
  if (options.web_dir.empty()) return std::nullopt;
  fs::path rel;
  if (!SafeRelative(path, &rel)) return std::nullopt;
  const fs::path root(options.web_dir);
  const std::string first = rel.empty() ? "" : rel.begin()->string();
  fs::path file;
  if (first == "console" && !rel.has_extension()) {
    file = root / "console" / "index.html";  // single-page app: every console route
  } else if (first == "demo" && !rel.has_extension()) {
    if (!options.demo) return std::nullopt;
    file = root / "demo" / "index.html";
  } else {
    file = root / rel;
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || !IsInside(root, file)) return std::nullopt;
  StaticTarget t;
  t.file = file.string();
  t.content_type = ContentTypeFor(file);
  if (first == "assets") {
    t.cache_control = "public, max-age=31536000, immutable";  // content-hashed names
  } else if (file.extension() == ".html") {
    t.cache_control = "no-cache";
  } else {
    t.cache_control = "public, max-age=300";  // stable names such as widget.js
  }
  return t;
}

std::string FindWebDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  const std::string source_dir = LINGXI_SOURCE_DIR;
  std::error_code ec;
  fs::path bin = fs::canonical("/proc/self/exe", ec).parent_path();
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(bin / "../share/lingxi/web");
    candidates.push_back(bin / "web");
  }
  if (!source_dir.empty()) candidates.push_back(fs::path(source_dir) / "web/dist");
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c / "console/index.html", ec)) return fs::weakly_canonical(c, ec).string();
  }
  return "";
}

void RegisterStaticRoutes(server::Router& router, StaticOptions options, asio::thread_pool* workers) {
  router.SetFallback([options, workers](HttpRequest r) { return Serve(options, workers, std::move(r)); });
}

}  // namespace lingxi::api
