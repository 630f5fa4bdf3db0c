#include "api/http_status.h"

#include "server/http_server.h"

namespace lingxi::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 422;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kInternal: return 500;
    case StatusCode::kCancelled: return 499;
  }
  return 500;
}

server::HttpResponse ErrorResponse(const Status& status) {
  std::string message = status.code() == StatusCode::kInternal ? "internal error" : status.message();
  return ErrorResponse(HttpStatusFor(status.code()), StatusCodeName(status.code()), message);
}

server::HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message) {
  auto r = server::HttpResponse::Json(http_status, server::ErrorBody(code, message));
  if (http_status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace lingxi::api
