// Per-account tools and playbooks from the automation directory ([automation] dir): loaded at
// start, listed and reloaded by admins without a restart; a broken file is refused and the
// previous automation keeps serving. A playbook with examples and one `end` step is an intent
// with a fixed answer.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>
#include <vector>

#include "harness.h"
#include "support/test_http_server.h"

namespace lingxi::it {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string HoursPlaybook(const std::string& answer_en) {
  return R"({"id": "opening_hours", "title": {"zh": "营业时间", "en": "Opening hours"},
  "triggers": {"examples": {"zh": ["你们几点开门", "营业时间是什么", "周末营业吗", "门店几点关门"],
                            "en": ["what are your opening hours", "when do you open", "are you open on sundays", "what time do you close"]}},
  "steps": [{"id": "answer", "type": "end", "text": {"zh": "门店每天 9:00–21:00 营业。", "en": ")" + answer_en + R"("}}]})";
}

constexpr const char* kGiftPlaybook = R"({"id": "gift_wrap", "title": {"zh": "礼品包装", "en": "Gift wrapping"},
  "triggers": {"examples": {"zh": ["可以礼品包装吗", "能帮我包成礼物吗", "有没有礼盒包装"],
                            "en": ["can you gift wrap it", "do you offer gift wrapping", "can I add a gift box"]}},
  "steps": [{"id": "answer", "type": "end", "text": {"zh": "可以，下单时勾选「礼品包装」即可，免费。", "en": "Yes: tick \"gift wrap\" at checkout, it's free."}}]})";

TEST(Automation, AnAccountsPlaybooksComeFromItsDirectoryAndReloadWithoutARestart) {
  TempDir dir;
  const fs::path root = fs::path(dir.path()) / "automation";
  const fs::path account = root / "1";  // the demo workspace is account 1
  Write(account / "tools.json", R"({"allowlist": [], "tools": []})");
  Write(account / "playbooks" / "opening_hours.json", HoursPlaybook("We are open 9:00-21:00 every day."));
  Write(account / "playbooks" / "gift_wrap.json", kGiftPlaybook);
  ServerProcess server((fs::path(dir.path()) / "data").string(), true, {{"LINGXI_AUTOMATION_DIR", root.string()}});
  server.Start();
  const std::string admin = Login(server.port());

  auto listed = Http(server.port(), "GET", "/api/v1/automation", "", admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Len(At(listed.json, "playbooks")), 2u) << listed.body;
  EXPECT_TRUE(At(listed.json, "router").as_bool()) << listed.body;

  auto s = StartConversation(server.port());
  auto r = CustomerSay(server.port(), s, "when do you open on saturday?");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& reply = At(At(r.json, "replies"), 0);
  EXPECT_EQ(Str(At(reply, "content")), "We are open 9:00-21:00 every day.") << r.body;
  EXPECT_EQ(Str(At(At(reply, "meta"), "playbook")), "opening_hours") << r.body;

  // Edit and reload: the new answer, no restart.
  Write(account / "playbooks" / "opening_hours.json", HoursPlaybook("New hours: 10:00-20:00 every day."));
  auto reloaded = Http(server.port(), "POST", "/api/v1/automation/reload", "", admin);
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  auto t = StartConversation(server.port());
  EXPECT_EQ(Str(At(At(At(CustomerSay(server.port(), t, "when do you open on saturday?").json, "replies"), 0), "content")),
            "New hours: 10:00-20:00 every day.");

  // A broken file is refused with its name; the last good automation keeps serving.
  Write(account / "playbooks" / "gift_wrap.json", R"({"id": "gift_wrap", "steps": [)");
  auto broken = Http(server.port(), "POST", "/api/v1/automation/reload", "", admin);
  EXPECT_EQ(broken.status, 422) << broken.body;
  EXPECT_NE(broken.body.find("gift_wrap.json"), std::string::npos) << broken.body;
  auto u = StartConversation(server.port());
  EXPECT_EQ(Str(At(At(At(CustomerSay(server.port(), u, "do you offer gift wrapping?").json, "replies"), 0), "content")),
            "Yes: tick \"gift wrap\" at checkout, it's free.");

  // Define a fixed-answer intent over the API: validated, stored as a file, live at once.
  Write(account / "playbooks" / "gift_wrap.json", kGiftPlaybook);
  ASSERT_EQ(Http(server.port(), "POST", "/api/v1/automation/reload", "", admin).status, 200);
  const std::string returns = R"({"title": {"zh": "退货地址", "en": "Return address"},
    "triggers": {"examples": {"zh": ["退货寄到哪里", "退货地址是什么"], "en": ["where do I send my return", "what is the return address"]}},
    "steps": [{"id": "answer", "type": "end", "text": {"zh": "请寄到：杭州市余杭区仓前街道 1 号灵犀退货中心。", "en": "Send it to: Lingxi Returns, 1 Cangqian St, Hangzhou."}}]})";
  auto put = Http(server.port(), "PUT", "/api/v1/automation/playbooks/return_address", returns, admin);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Len(At(put.json, "playbooks")), 3u) << put.body;
  EXPECT_TRUE(fs::exists(account / "playbooks" / "return_address.json"));
  auto v = StartConversation(server.port());
  auto answer = CustomerSay(server.port(), v, "what is the return address?");
  EXPECT_EQ(Str(At(At(At(answer.json, "replies"), 0), "content")), "Send it to: Lingxi Returns, 1 Cangqian St, Hangzhou.")
      << answer.body;
  // Invalid definitions are refused and nothing is written.
  const std::string bad_tool = R"({"title": {"en": "x"}, "triggers": {"examples": {"en": ["a b c"]}},
    "steps": [{"id": "t", "type": "tool", "tool": "no_such_tool", "result": "r"}]})";
  auto refused = Http(server.port(), "PUT", "/api/v1/automation/playbooks/bad_one", bad_tool, admin);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("playbooks/bad_one.json"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find(root.string()), std::string::npos) << "the server's path leaked: " << refused.body;
  EXPECT_FALSE(fs::exists(account / "playbooks" / "bad_one.json"));
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/playbooks/return_address",
                 R"({"id": "other", "steps": []})", admin).status, 422);
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/playbooks/Bad-Id", returns, admin).status, 422);
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/playbooks/x", "not json", admin).status, 400);
  // Removal.
  auto del = Http(server.port(), "DELETE", "/api/v1/automation/playbooks/return_address", "", admin);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(Len(At(del.json, "playbooks")), 2u) << del.body;
  EXPECT_FALSE(fs::exists(account / "playbooks" / "return_address.json"));
  EXPECT_EQ(Http(server.port(), "DELETE", "/api/v1/automation/playbooks/return_address", "", admin).status, 404);

  // A knowledge-base change retrains the account's router in the background (which re-reads the
  // files too: the edited answer below shows the reload happened without calling reload).
  Write(account / "playbooks" / "gift_wrap.json",
        std::string(kGiftPlaybook).replace(std::string(kGiftPlaybook).find("it's free"), 9, "it costs 5 yuan"));
  auto article = Http(server.port(), "POST", "/api/v1/kb/articles",
                      json::object{{"title", "Gift cards"}, {"body", "Gift cards never expire."}, {"language", "en"}}, admin);
  ASSERT_EQ(article.status, 201) << article.body;
  std::string got;
  for (int i = 0; i < 50 && got.find("5 yuan") == std::string::npos; ++i) {
    auto w = StartConversation(server.port());
    got = Str(At(At(At(CustomerSay(server.port(), w, "do you offer gift wrapping?").json, "replies"), 0), "content"));
    if (got.find("5 yuan") == std::string::npos) std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(got.find("5 yuan"), std::string::npos) << "no retrain after the knowledge change: " << got;

  // Admins only.
  auto made = Http(server.port(), "POST", "/api/v1/users",
                   json::object{{"email", "auto@demo.lingxi"}, {"password", "agent-pass-1"}, {"role", "agent"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string agent = Login(server.port(), "auto@demo.lingxi", "agent-pass-1");
  EXPECT_EQ(Http(server.port(), "POST", "/api/v1/automation/reload", "", agent).status, 403);
  EXPECT_EQ(Http(server.port(), "GET", "/api/v1/automation", "", agent).status, 403);
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/playbooks/return_address", returns, agent).status, 403);
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

// Tools, the host allowlist and secrets are managed over the API like playbooks: validated, written
// to the account's directory (secrets.json owner-only, values never shown), live at once; what a
// playbook still uses cannot be removed; a refused change leaves the files as they were.
TEST(Automation, ToolsAllowlistAndSecretsAreManagedOverTheApi) {
  TempDir dir;
  const fs::path root = fs::path(dir.path()) / "automation";
  const fs::path account = root / "1";
  Write(account / "tools.json", R"({"allowlist": [], "tools": []})");  // not the demo automation
  // The business's own API: stock levels, behind a bearer key.
  std::mutex mu;
  std::vector<std::string> auth_seen;
  testing::TestHttpServer shop([&](const testing::ReceivedRequest& r) {
    {
      std::lock_guard lock(mu);
      auth_seen.push_back(r.Header("Authorization"));
    }
    testing::Reply reply;
    if (r.Header("Authorization") != "Bearer s3cr3t-value") {
      reply.status = 401;
      reply.body = R"({"error": "bad key"})";
    } else {
      reply.body = R"({"sku": "AB1234", "in_stock": 3})";
    }
    reply.headers = {{"Content-Type", "application/json"}};
    return reply;
  });
  const std::string shop_host = "127.0.0.1:" + std::to_string(shop.port());
  ServerProcess server((fs::path(dir.path()) / "data").string(), true, {{"LINGXI_AUTOMATION_DIR", root.string()}});
  server.Start();
  const std::string admin = Login(server.port());
  auto call = [&](const char* method, const std::string& path, const std::string& body = "") {
    return Http(server.port(), method, "/api/v1/automation/" + path, body, admin);
  };
  const std::string tool = R"({"description": {"en": "Stock level of a product", "zh": "查询商品库存"},
    "parameters": {"type": "object", "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{4}$"}}, "required": ["sku"]},
    "method": "GET", "url": "http://)" + shop_host + R"(/stock/{sku}",
    "headers": {"Authorization": "Bearer ${secret:STOCK_KEY}"}, "response_fields": ["in_stock"], "timeout_ms": 3000})";

  // Allowlist first; the tool is refused while its secret does not exist (and nothing is written).
  auto allow = call("PUT", "allowlist", R"({"allowlist": [")" + shop_host + R"("]})");
  ASSERT_EQ(allow.status, 200) << allow.body;
  EXPECT_EQ(Str(At(At(At(allow.json, "allowlist"), 0), "host")), "127.0.0.1") << allow.body;
  auto no_secret = call("PUT", "tools/check_stock", tool);
  EXPECT_EQ(no_secret.status, 422) << no_secret.body;
  EXPECT_NE(no_secret.body.find("STOCK_KEY"), std::string::npos) << no_secret.body;
  EXPECT_EQ(Len(At(call("GET", "").json, "tools")), 0u);

  auto secret = call("PUT", "secrets/STOCK_KEY", R"({"value": "s3cr3t-value"})");
  ASSERT_EQ(secret.status, 200) << secret.body;
  EXPECT_EQ(Str(At(At(secret.json, "secrets"), 0)), "STOCK_KEY") << secret.body;
  EXPECT_EQ(secret.body.find("s3cr3t-value"), std::string::npos) << "a secret's value was returned: " << secret.body;
  EXPECT_EQ(fs::status(account / "secrets.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto put_tool = call("PUT", "tools/check_stock", tool);
  ASSERT_EQ(put_tool.status, 200) << put_tool.body;
  EXPECT_EQ(Str(At(At(At(put_tool.json, "tools"), 0), "name")), "check_stock") << put_tool.body;
  // The stored definition comes back for editing, with the secret's reference, not its value.
  auto def = call("GET", "tools/check_stock");
  ASSERT_EQ(def.status, 200) << def.body;
  EXPECT_EQ(Str(At(At(At(def.json, "definition"), "headers"), "Authorization")), "Bearer ${secret:STOCK_KEY}") << def.body;
  EXPECT_EQ(call("GET", "tools/nope").status, 404);

  // A host outside the allowlist, a name that differs from the path, bad JSON: refused, file unchanged.
  std::string elsewhere = tool;
  elsewhere.replace(elsewhere.find(shop_host), shop_host.size(), "example.com");
  const std::string tools_before = [&] { std::ifstream in(account / "tools.json"); return std::string(std::istreambuf_iterator<char>(in), {}); }();
  EXPECT_EQ(call("PUT", "tools/check_stock", elsewhere).status, 403);
  EXPECT_EQ(call("PUT", "tools/other_name", R"({"name": "check_stock"})").status, 422);
  EXPECT_EQ(call("PUT", "tools/check_stock", "{not json").status, 400);
  EXPECT_EQ(call("PUT", "allowlist", R"({"allowlist": "everything"})").status, 422);
  EXPECT_EQ(call("PUT", "secrets/bad.name", R"({"value": "x"})").status, 422);
  EXPECT_EQ(call("PUT", "secrets/EMPTY", R"({"value": ""})").status, 422);
  {
    std::ifstream in(account / "tools.json");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), tools_before);
  }
  // Narrowing the allowlist so the tool no longer fits is refused too.
  EXPECT_EQ(call("PUT", "allowlist", R"({"allowlist": ["example.com"]})").status, 403);

  // A playbook calls the tool; the business API gets the secret, the customer the stock level.
  const std::string playbook = R"({"title": {"zh": "库存查询", "en": "Stock check"},
    "triggers": {"examples": {"zh": ["这个商品还有货吗", "AB1234 有库存吗", "查一下库存"],
                              "en": ["is this item in stock", "do you have AB1234 in stock", "check the stock level"]}},
    "slots": [{"name": "sku", "type": "string", "pattern": "\\b([A-Za-z]{2}[0-9]{4})\\b", "transform": "upper",
               "prompt": {"zh": "请告诉我商品编号（例如 AB1234）。", "en": "Which item (e.g. AB1234)?"}}],
    "steps": [{"id": "ask", "type": "ask", "slot": "sku"},
              {"id": "look", "type": "tool", "tool": "check_stock", "args": {"sku": "{{sku}}"}, "result": "stock"},
              {"id": "done", "type": "end", "text": {"zh": "{{sku}} 还有 {{stock.in_stock}} 件。", "en": "{{sku}}: {{stock.in_stock}} in stock."}}]})";
  ASSERT_EQ(call("PUT", "playbooks/stock_check", playbook).status, 200);
  EXPECT_EQ(Str(At(At(call("GET", "playbooks/stock_check").json, "definition"), "id")), "stock_check");
  auto s = StartConversation(server.port());
  auto r = CustomerSay(server.port(), s, "do you have AB1234 in stock?");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(At(At(At(r.json, "replies"), 0), "content")), "AB1234: 3 in stock.") << r.body;
  {
    std::lock_guard lock(mu);
    ASSERT_FALSE(auth_seen.empty());
    EXPECT_EQ(auth_seen.back(), "Bearer s3cr3t-value");
  }

  // What a playbook uses cannot be removed; once the playbook is gone, it can.
  auto in_use = call("DELETE", "tools/check_stock");
  EXPECT_EQ(in_use.status, 409) << in_use.body;
  EXPECT_NE(in_use.body.find("stock_check"), std::string::npos) << in_use.body;
  EXPECT_EQ(call("DELETE", "secrets/STOCK_KEY").status, 409);
  ASSERT_EQ(call("DELETE", "playbooks/stock_check").status, 200);
  EXPECT_EQ(call("DELETE", "secrets/STOCK_KEY").status, 409) << "the tool still references it";
  auto gone = call("DELETE", "tools/check_stock");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(Len(At(gone.json, "tools")), 0u) << gone.body;
  EXPECT_EQ(call("DELETE", "tools/check_stock").status, 404);
  ASSERT_EQ(call("DELETE", "secrets/STOCK_KEY").status, 200);
  EXPECT_EQ(call("DELETE", "secrets/STOCK_KEY").status, 404);

  // Admins only.
  auto made = Http(server.port(), "POST", "/api/v1/users",
                   json::object{{"email", "tools@demo.lingxi"}, {"password", "agent-pass-1"}, {"role", "agent"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string agent = Login(server.port(), "tools@demo.lingxi", "agent-pass-1");
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/tools/check_stock", tool, agent).status, 403);
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/secrets/X", R"({"value": "x"})", agent).status, 403);
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

// The demo account serves data/demo's automation until its first change over the API, which starts
// from a copy of it: adding one intent does not make the demo tools and playbooks disappear.
TEST(Automation, TheFirstChangeToTheDemoAccountKeepsTheDemoAutomation) {
  TempDir dir;
  const fs::path root = fs::path(dir.path()) / "automation";
  fs::create_directories(root);
  ServerProcess server((fs::path(dir.path()) / "data").string(), true, {{"LINGXI_AUTOMATION_DIR", root.string()}});
  server.Start();
  const std::string admin = Login(server.port());
  auto before = Http(server.port(), "GET", "/api/v1/automation", "", admin);
  ASSERT_EQ(before.status, 200) << before.body;
  const size_t tools = Len(At(before.json, "tools")), playbooks = Len(At(before.json, "playbooks"));
  ASSERT_GT(tools, 0u);
  ASSERT_GT(playbooks, 0u);
  // The allowlist as the file has it (the {{server}} variable), besides the resolved entries.
  EXPECT_EQ(Str(At(At(before.json, "allowlist_written"), 0)), "{{server}}") << before.body;
  EXPECT_EQ(Str(At(At(At(before.json, "allowlist"), 0), "host")), "127.0.0.1") << before.body;
  auto demo_def = Http(server.port(), "GET", "/api/v1/automation/playbooks/delivered_not_received", "", admin);
  EXPECT_EQ(demo_def.status, 200) << demo_def.body;
  auto put = Http(server.port(), "PUT", "/api/v1/automation/playbooks/gift_wrap", kGiftPlaybook, admin);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Len(At(put.json, "tools")), tools) << put.body;
  EXPECT_EQ(Len(At(put.json, "playbooks")), playbooks + 1) << put.body;
  EXPECT_TRUE(fs::exists(root / "1" / "playbooks" / "delivered_not_received.json"));
  EXPECT_TRUE(fs::exists(root / "1" / "tools.json"));
  // The allowlist saved back as written (what the console does) keeps its {{server}} variable.
  auto hosts = Http(server.port(), "PUT", "/api/v1/automation/allowlist",
                    R"({"allowlist": ["{{server}}", "api.shop.example"]})", admin);
  ASSERT_EQ(hosts.status, 200) << hosts.body;
  EXPECT_EQ(Str(At(At(hosts.json, "allowlist_written"), 0)), "{{server}}") << hosts.body;
  EXPECT_EQ(Len(At(hosts.json, "allowlist")), 2u) << hosts.body;
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/allowlist", R"({"allowlist": ["bad host!"]})", admin).status,
            422);
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

// Without an automation directory, definitions over the API are refused with the setting to use.
TEST(Automation, DefiningPlaybooksNeedsAnAutomationDirectory) {
  TempDir dir;
  ServerProcess server(dir.path());
  server.Start();
  const std::string admin = Login(server.port());
  auto r = Http(server.port(), "PUT", "/api/v1/automation/playbooks/x",
                R"({"title": {"en": "x"}, "steps": [{"id": "a", "type": "end", "text": {"en": "x"}}]})", admin);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("automation"), std::string::npos) << r.body;
  auto listed = Http(server.port(), "GET", "/api/v1/automation", "", admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Len(At(listed.json, "playbooks")), 3u) << "the demo playbooks: " << listed.body;
  EXPECT_EQ(server.Stop(), 0) << server.LogTail();
}

}  // namespace
}  // namespace lingxi::it
