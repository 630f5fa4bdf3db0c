// The one place where Status codes become HTTP statuses and JSON error bodies.
#pragma once

#include "core/status.h"
#include "server/http_types.h"

namespace lingxi::api {

int HttpStatusFor(StatusCode code);
// {"error":{"code": "<status code name>", "message": ...}} with the mapped HTTP status.
server::HttpResponse ErrorResponse(const Status& status);
server::HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message);

}  // namespace lingxi::api
