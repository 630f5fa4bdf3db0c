#include "store/store.h"

#include <future>

namespace lingxi::store {

Status Store::WriteSync(WriteFn fn) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> result = promise->get_future();
  Write(std::move(fn), [promise](Status s) { promise->set_value(std::move(s)); });
  return result.get();
}

}  // namespace lingxi::store
