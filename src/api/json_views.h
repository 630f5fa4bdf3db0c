// JSON representations of domain values for the REST API and WebSocket events.
// Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>

#include <vector>

#include "domain/types.h"

namespace lingxi::api {

boost::json::object MessageJson(const domain::Message& m);
// The same object as JSON text, built without re-parsing `meta` (the hot path of every turn).
std::string MessageJsonText(const domain::Message& m);
boost::json::object ConversationJson(const domain::Conversation& c, bool include_handoff = true);
boost::json::object ArticleJson(const domain::Article& a);
boost::json::object ContactJson(const domain::Contact& c);
boost::json::object IdentityJson(const domain::Identity& i);
boost::json::object UserJson(const domain::User& u);
boost::json::array MessagesJson(const std::vector<domain::Message>& ms);

}  // namespace lingxi::api
