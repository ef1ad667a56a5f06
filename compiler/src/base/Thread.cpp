// Threads with a stack of known size (see Thread.h).
#include "tenet/base/Thread.h"

#include <pthread.h>

#include <utility>

namespace tenet {

struct StackThread::State {
  std::function<void()> fn;
  std::exception_ptr error;
  pthread_t id{};
  bool running = false;

  void run() {
    try {
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  }
  static void* start(void* self) {
    static_cast<State*>(self)->run();
    return nullptr;
  }
};

StackThread::StackThread(std::function<void()> fn) : state_(std::make_unique<State>()) {
  state_->fn = std::move(fn);
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) == 0) {
    if (pthread_attr_setstacksize(&attr, kThreadStackBytes) == 0 &&
        pthread_create(&state_->id, &attr, &State::start, state_.get()) == 0)
      state_->running = true;
    pthread_attr_destroy(&attr);
  }
  if (!state_->running) state_->run();  // no such thread to be had: run here
}

StackThread::StackThread(StackThread&& other) noexcept = default;

void StackThread::join() {
  if (!state_) return;
  if (state_->running) {
    pthread_join(state_->id, nullptr);
    state_->running = false;
  }
  if (state_->error) std::rethrow_exception(std::exchange(state_->error, nullptr));
}

StackThread::~StackThread() {
  if (state_ && state_->running) pthread_join(state_->id, nullptr);
}

void runOnStackThread(std::function<void()> fn) {
  StackThread t(std::move(fn));
  t.join();
}

}  // namespace tenet
