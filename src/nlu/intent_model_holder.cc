#include "nlu/intent_model_holder.h"

namespace lingxi::nlu {

void IntentModelHolder::Set(std::shared_ptr<const IntentClassifier> model) {
  model_.store(std::move(model), std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

Status IntentModelHolder::Retrain(std::shared_ptr<const Normalizer> normalizer,
                                  const std::vector<IntentExample>& train, const std::vector<IntentExample>& valid,
                                  const IntentTrainOptions& options) {
  LINGXI_ASSIGN_OR_RETURN(auto model, IntentClassifier::Train(std::move(normalizer), train, valid, options));
  Set(std::move(model));
  return Status::Ok();
}

}  // namespace lingxi::nlu
