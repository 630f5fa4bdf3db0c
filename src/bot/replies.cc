#include "bot/replies.h"

namespace lingxi::bot {

std::string GreetingReply(const std::string& lang) {
  if (lang == "zh")
    return "您好！我是灵犀智能客服，可以帮您解答配送、签收、退换货、退款、支付、发票、账号和会员等问题。请问有什么可以帮您？";
  return "Hi! I'm the Lingxi assistant. I can help with shipping, deliveries, returns, refunds, payments, "
         "invoices, your account and memberships. What can I do for you?";
}

std::string ThanksReply(const std::string& lang) {
  if (lang == "zh") return "不客气！如果还有其他问题，随时告诉我。";
  return "You're welcome! If anything else comes up, just ask.";
}

std::string HandoffReply(const std::string& lang, const std::string& reason) {
  if (lang == "zh") {
    if (reason == "requested") return "好的，正在为您转接人工客服，请稍候。客服接入后会直接在这里回复您。";
    if (reason == "negative_sentiment")
      return "非常抱歉给您带来了不好的体验。我已为您转接人工客服，客服会尽快在这里为您处理。";
    if (reason == "repeated")
      return "抱歉我的回答没能解决您的问题。我已为您转接人工客服，请稍候，客服会在这里继续为您处理。";
    return "抱歉，这个问题我没有把握回答准确。我已为您转接人工客服，请稍候，客服会在这里继续为您处理。";
  }
  if (reason == "requested")
    return "Sure - I'm connecting you with a member of our team. Please stay here; they will reply in this chat.";
  if (reason == "negative_sentiment")
    return "I'm really sorry about this experience. I've passed your conversation to a member of our team, "
           "who will pick it up here as soon as possible.";
  if (reason == "repeated")
    return "Sorry my answers didn't solve this. I've passed your conversation to a member of our team; "
           "they will reply here shortly.";
  return "I'm not confident I can answer that correctly, so I've passed your question to a member of our "
         "team. They will reply here shortly.";
}

std::string SourcePrefix(const std::string& lang) { return lang == "zh" ? "来自：" : "Source: "; }

}  // namespace lingxi::bot
