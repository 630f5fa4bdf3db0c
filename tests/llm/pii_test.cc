#include "llm/pii.h"

#include <gtest/gtest.h>

namespace lingxi::llm {
namespace {

std::string MaskOnce(const std::string& text) {
  PiiVault vault;
  return PiiMasker().Mask(text, vault);
}

struct Case {
  std::string input;
  std::string expected;
};

TEST(PiiMasker, MasksChineseCases) {
  const std::vector<Case> cases = {
      {"我的手机是13812345678，谢谢", "我的手机是[PHONE_1]，谢谢"},
      {"电话 +86 138-1234-5678 找我", "电话 [PHONE_1] 找我"},
      {"打0086 13912345678或者139 1234 5679", "打[PHONE_1]或者[PHONE_2]"},
      {"邮箱zhang.san+shop@example.com.cn。", "邮箱[EMAIL_1]。"},
      {"身份证11010519491231002X", "身份证[ID_CARD_1]"},
      {"身份证号码：440305199003071236", "身份证号码：[ID_CARD_1]"},
      {"退款到卡6222020200112233446", "退款到卡[BANK_CARD_1]"},
      {"卡号 6222 0202 0011 2233 446 谢谢", "卡号 [BANK_CARD_1] 谢谢"},
      {"我住在北京市朝阳区建国路88号", "我住在[ADDRESS_1]"},
      {"寄到广东省深圳市南山区科技园路1号阳光小区3栋2单元501室，尽快", "寄到[ADDRESS_1]，尽快"},
      {"地址：上海市浦东新区世纪大道100号", "地址：[ADDRESS_1]"},
  };
  for (const auto& c : cases) EXPECT_EQ(MaskOnce(c.input), c.expected) << c.input;
}

TEST(PiiMasker, MasksEnglishCases) {
  const std::vector<Case> cases = {
      {"Call me at +1 415 555 0132 tomorrow", "Call me at [PHONE_1] tomorrow"},
      {"UK: +44 20 7946 0958.", "UK: [PHONE_1]."},
      {"Email JOHN.DOE@Example.org please", "Email [EMAIL_1] please"},
      {"Ship to 221B Baker Street, London", "Ship to [ADDRESS_1], London"},
      {"I live at 1600 Pennsylvania Ave, Apt 4B now", "I live at [ADDRESS_1] now"},
      {"card 4111 1111 1111 1111 exp 12/27", "card [BANK_CARD_1] exp 12/27"},
  };
  for (const auto& c : cases) EXPECT_EQ(MaskOnce(c.input), c.expected) << c.input;
}

TEST(PiiMasker, LeavesNonPersonalNumbersAlone) {
  const std::vector<std::string> keep = {
      "订单号LX2024110001还没到",
      "order LX2024110001 and SKU A13812345678",
      "order #20241120 shipped 2024-11-20 at 13:45",
      "我买了3件，共128元，订单2024110001",
      "退货单号RMA-13812345678-01",       // glued to letters via the dash group? no: RMA- then digits
      "card ending 6222020200112233440",  // fails the Luhn check
      "身份证11010519491231002Y",
      "ID 110105194912310021",            // wrong check digit
      "我知道3号发货",
      "我在3楼等你",
      "I ordered 3 big road bikes",
      "user@localhost is not an address",
      "version 1.2.3 build 4567890",
      "call 110 or 12345",
  };
  for (const auto& text : keep) EXPECT_EQ(MaskOnce(text), text) << text;
}

TEST(PiiMasker, PlaceholdersAreStableWithinAConversation) {
  PiiMasker masker;
  PiiVault vault;
  EXPECT_EQ(masker.Mask("我的电话13812345678", vault), "我的电话[PHONE_1]");
  EXPECT_EQ(masker.Mask("another 13900001111 and +86 138 1234 5678", vault), "another [PHONE_2] and [PHONE_1]");
  EXPECT_EQ(masker.Mask("a@b.com A@B.COM", vault), "[EMAIL_1] [EMAIL_1]");
  EXPECT_EQ(vault.size(), 3u);
  PiiVault other;  // another conversation starts again at 1
  EXPECT_EQ(masker.Mask("13900001111", other), "[PHONE_1]");
}

TEST(PiiMasker, UnmaskRestoresOriginals) {
  PiiMasker masker;
  PiiVault vault;
  std::string text = "我是张三，电话138-1234-5678，邮箱zs@example.com，住北京市海淀区中关村大街27号";
  std::string masked = masker.Mask(text, vault);
  EXPECT_EQ(masked.find("1234"), std::string::npos);
  EXPECT_EQ(masked.find("zs@"), std::string::npos);
  EXPECT_EQ(masked.find("中关村"), std::string::npos);
  EXPECT_EQ(PiiMasker::Unmask(masked, vault), text);
  std::string reply = "好的，我们会致电[PHONE_1]并把发票发到[EMAIL_1]，[UNKNOWN_3]和[PHONE_9]保持原样 [x";
  EXPECT_EQ(PiiMasker::Unmask(reply, vault),
            "好的，我们会致电138-1234-5678并把发票发到zs@example.com，[UNKNOWN_3]和[PHONE_9]保持原样 [x");
}

// Found by fuzz/pii_fuzzer: the second address's district name was scanned leftwards into the
// first address, the overlapping match was then dropped, and the second address went out unmasked.
TEST(PiiMasker, MasksTwoChineseAddressesWithoutSeparator) {
  PiiVault vault;
  const std::string text = "寄到广东省深圳市南山区科技园路1号阳光小区3栋2单元501室和北京市朝阳区建国路88号";
  const std::string masked = PiiMasker().Mask(text, vault);
  EXPECT_EQ(masked, "寄到[ADDRESS_1][ADDRESS_2]");  // "和" joins the second: harmless, it comes back
  EXPECT_EQ(masked.find("建国路"), std::string::npos);
  EXPECT_EQ(PiiMasker::Unmask(masked, vault), text);
  EXPECT_EQ(MaskOnce("住在北京市朝阳区建国路88号3栋2单元501室和上海市浦东新区世纪大道100号"),
            "住在[ADDRESS_1][ADDRESS_2]");
}

// Found by fuzz/pii_fuzzer: an address written right after a phone number reached back into the
// number, lost the overlap to it and was not masked at all.
TEST(PiiMasker, MasksAnAddressRightAfterAPhoneNumber) {
  EXPECT_EQ(MaskOnce("电话+8613812345678北京市朝阳区建国路88号"), "电话[PHONE_1][ADDRESS_1]");
  EXPECT_EQ(MaskOnce("电话13812345678广东省深圳市南山区高新科技园路1号"), "电话[PHONE_1][ADDRESS_1]");
}

// Found by fuzz/pii_fuzzer: the second address's local part ran back into the first one's domain
// ('+' and '_' are local-part characters), lost the overlap and was not masked.
TEST(PiiMasker, MasksTwoEmailsJoinedByALocalPartCharacter) {
  EXPECT_EQ(MaskOnce("write to a@b.com+c@d.com"), "write to [EMAIL_1][EMAIL_2]");
  EXPECT_EQ(MaskOnce("ids: x@y.cn_z@w.cn"), "ids: [EMAIL_1][EMAIL_2]");
}

// Found by fuzz/pii_fuzzer: digits right after the top-level domain made it "com88", not a
// top-level domain, and the whole address stayed unmasked.
TEST(PiiMasker, MasksAnEmailFollowedByDigits) {
  EXPECT_EQ(MaskOnce("邮箱li@example.com88号3栋"), "邮箱[EMAIL_1][ADDRESS_1]");
  EXPECT_EQ(MaskOnce("mail a@b.cn2024 ok"), "mail [EMAIL_1]2024 ok");
  EXPECT_EQ(MaskOnce("not a@b.123 or c@d.e5"), "not a@b.123 or c@d.e5");  // no letters-only TLD
  EXPECT_EQ(MaskOnce("邮箱li@example.com.88号3栋"), "邮箱[EMAIL_1].[ADDRESS_1]");
  EXPECT_EQ(MaskOnce("li@example.com13812345678"), "[EMAIL_1][PHONE_1]");
  EXPECT_EQ(MaskOnce("li@example.com-13812345678"), "[EMAIL_1]-[PHONE_1]");
  EXPECT_EQ(MaskOnce("li@example.cn8+8613812345678"), "[EMAIL_1]8[PHONE_1]");
  EXPECT_EQ(MaskOnce("电话+86 138 1234 5678 2024li@example.com"), "电话[PHONE_1] [EMAIL_1]");
}

// Found by fuzz/pii_fuzzer: a number right after another one ("/" or "+" between them) counted
// as glued to an identifier and was not masked.
TEST(PiiMasker, MasksPhoneNumbersWrittenBackToBack) {
  EXPECT_EQ(MaskOnce("联系电话：13812345678/13912345678"), "联系电话：[PHONE_1]/[PHONE_2]");
  EXPECT_EQ(MaskOnce("+8613812345678+8613912345678"), "[PHONE_1][PHONE_2]");
  EXPECT_EQ(MaskOnce("单号LX2024-13812345678"), "单号LX2024-13812345678");  // still an identifier
}

// Found by fuzz/pii_fuzzer: an address reaching left into a 30-digit number cut it, and the head
// left in the masked text ("+12345678") looked like a phone number (masking was not stable).
TEST(PiiMasker, AnAddressDoesNotCutALongNumber) {
  EXPECT_EQ(MaskOnce("编号+123456789012345678901234567890号3栋"), "编号+123456789012345678901234567890[ADDRESS_1]");
}

// Found by fuzz/pii_fuzzer: a street address glued to an e-mail's domain ("…com1B Baker St") only
// became one once the e-mail was masked, so the masked text still held it. Find looks again at
// the text as it will be masked.
TEST(PiiMasker, MaskedTextHoldsNothingFindWouldReport) {
  EXPECT_EQ(MaskOnce("li@example.com1B Baker Street"), "[EMAIL_1][ADDRESS_1]");
  PiiMasker masker;
  for (const char* text : {"li@example.com1B Baker Street", "x@y.cn12 Main St and 13812345678"}) {
    PiiVault vault;
    const std::string masked = masker.Mask(text, vault);
    for (const PiiMatch& m : masker.Find(masked)) EXPECT_EQ(m.kind, PiiKind::kLiteral) << masked;
    EXPECT_EQ(PiiMasker::Unmask(masked, vault), text);
  }
}

TEST(PiiMasker, OptionsDisableKinds) {
  PiiMasker::Options options;
  options.addresses = false;
  options.phones = false;
  PiiVault vault;
  EXPECT_EQ(PiiMasker(options).Mask("北京市朝阳区建国路88号 13812345678 a@b.cn", vault),
            "北京市朝阳区建国路88号 13812345678 [EMAIL_1]");
}

TEST(PiiMasker, Checksums) {
  EXPECT_TRUE(PiiMasker::LuhnValid("4111111111111111"));
  EXPECT_FALSE(PiiMasker::LuhnValid("4111111111111112"));
  EXPECT_TRUE(PiiMasker::ChineseIdValid("11010519491231002X"));
  EXPECT_TRUE(PiiMasker::ChineseIdValid("11010519491231002x"));
  EXPECT_FALSE(PiiMasker::ChineseIdValid("110105194912310020"));
  EXPECT_FALSE(PiiMasker::ChineseIdValid("11010519491331002X"));  // month 13 would need another check digit anyway
}

}  // namespace
}  // namespace lingxi::llm
