// Serves the built web front end (web/dist: console, widget.js, demo page) from disk.
//
// Registered as the router's GET/HEAD fallback, so API routes always win. Paths are mapped
// onto the web directory lexically (no "..", no hidden files, no backslashes or NULs), then
// checked to stay inside it after resolving symlinks. Hashed assets (/assets/*) are cached
// forever, HTML is revalidated on every load; a precompressed `.gz` sibling is served when
// the client accepts gzip. Thread-safe: immutable after construction; file reads run on the
// worker pool.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <optional>
#include <string>

#include "server/router.h"

namespace lingxi::api {

struct StaticOptions {
  std::string web_dir;  // the built assets (contains console/index.html, widget.js)
  bool demo = false;    // serve /demo (the fake shop page with the widget)
};

struct StaticTarget {
  std::string file;          // absolute path of the file to send
  std::string content_type;  // from the extension
  std::string cache_control;
};

// Maps a decoded request path to a file under `web_dir`, or nullopt (→ 404). Pure path logic
// plus existence checks; exposed for tests.
std::optional<StaticTarget> ResolveStatic(const StaticOptions& options, const std::string& path);

// Finds the web directory: `configured` if set, else `<binary dir>/../share/lingxi/web`,
// `<binary dir>/web`, then `<source tree>/web/dist`. Empty if none holds console/index.html.
std::string FindWebDir(const std::string& configured);

void RegisterStaticRoutes(server::Router& router, StaticOptions options, boost::asio::thread_pool* workers);

}  // namespace lingxi::api
