// Per-account tools and playbooks from the automation directory ([automation] dir): loaded at
// start, listed and reloaded by admins without a restart; a broken file is refused and the
// previous automation keeps serving. A playbook with examples and one `end` step is an intent
// with a fixed answer.
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"

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
  EXPECT_EQ(Http(server.port(), "PUT", "/api/v1/automation/playbooks/bad_one", bad_tool, admin).status, 422);
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
