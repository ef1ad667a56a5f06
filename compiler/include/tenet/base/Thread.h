/// @file Thread.h
/// @brief Threads with a stack of known size. Every stage that recurses
/// over a tree (parser, checker, evaluator, formatter) runs on one of these,
/// so the depth the input limits allow always fits, whatever the stack
/// limit of the shell that started Tenet (`ulimit -s`).
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>

namespace tenet {

/// The stack each Tenet thread gets. Address space is reserved, not memory:
/// pages are only used as deep as the recursion goes.
inline constexpr std::size_t kThreadStackBytes = std::size_t(256) << 20;

/// A thread running `fn` on a kThreadStackBytes stack. Joined by join() or
/// the destructor; an exception thrown by `fn` is rethrown by join(). If the
/// system refuses such a thread, `fn` runs at once on the calling thread.
class StackThread {
 public:
  explicit StackThread(std::function<void()> fn);
  StackThread(StackThread&&) noexcept;
  StackThread& operator=(StackThread&&) = delete;
  StackThread(const StackThread&) = delete;
  StackThread& operator=(const StackThread&) = delete;
  ~StackThread();

  void join();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Runs `fn` on a StackThread and waits for it.
void runOnStackThread(std::function<void()> fn);

}  // namespace tenet
