// See pool.h. Chunks are handed out through an atomic counter; the caller takes chunks too and
// then waits only for the workers that joined (a worker that wakes after the caller took the last
// chunk stays out, so a busy second core never stalls the caller). Workers spin briefly after a call (kernels come in
// quick succession during a training step) and then sleep on a condition variable.
#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace selfevo {
namespace {

class Pool {
 public:
  void run(int threads, int64_t chunks, const std::function<void(int64_t)>& f) {
    std::unique_lock<std::mutex> busy(run_mu_, std::try_to_lock);
    if (!busy.owns_lock()) {  // another thread of the process holds the pool: run serially
      for (int64_t c = 0; c < chunks; c++) f(c);
      return;
    }
    const int helpers = static_cast<int>(std::min<int64_t>(threads, chunks)) - 1;
    ensure_workers(helpers);
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &f;
      chunks_ = chunks;
      next_.store(0, std::memory_order_relaxed);
      wanted_ = helpers;
      open_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    drain(f, chunks);
    // Every chunk is taken. Close the call, so that a helper that wakes only now (its core was
    // busy) does not join it, and wait for the helpers that did join to finish their chunks.
    {
      std::lock_guard<std::mutex> lk(mu_);
      open_ = false;
    }
    for (int spin = 0; joined_.load(std::memory_order_acquire) > 0; spin++) {
      if (spin < 20000) {
        __builtin_ia32_pause();
      } else {
        std::unique_lock<std::mutex> lk(mu_);
        done_cv_.wait(lk, [this] { return joined_.load(std::memory_order_acquire) == 0; });
      }
    }
    std::lock_guard<std::mutex> lk(mu_);
    job_ = nullptr;
  }

 private:
  void drain(const std::function<void(int64_t)>& f, int64_t chunks) {
    for (int64_t c; (c = next_.fetch_add(1, std::memory_order_relaxed)) < chunks;) f(c);
  }

  void ensure_workers(int n) {
    while (static_cast<int>(workers_) < n) {
      const int index = static_cast<int>(workers_++);
      // The generation before this call's: the new worker must see the call as new, however late
      // it starts.
      const uint64_t seen = generation_.load(std::memory_order_acquire);
      std::thread([this, index, seen] { loop(index, seen); }).detach();  // lives as long as the process
    }
  }

  void loop(int index, uint64_t seen) {
    for (;;) {
      // Spin a little for the next call, then sleep.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
      while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until)
        __builtin_ia32_pause();
      const std::function<void(int64_t)>* f = nullptr;
      int64_t chunks = 0;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        seen = generation_.load(std::memory_order_acquire);
        if (!open_ || index >= wanted_ || job_ == nullptr) continue;  // closed, or not needed
        joined_.fetch_add(1, std::memory_order_acq_rel);
        f = job_;
        chunks = chunks_;
      }
      drain(*f, chunks);
      if (joined_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_cv_.notify_all();
      }
    }
  }

  std::mutex run_mu_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t chunks_ = 0;
  int wanted_ = 0;
  bool open_ = false;  // helpers may still join the current call
  std::atomic<uint64_t> generation_{0};
  std::atomic<int64_t> next_{0};
  std::atomic<int> joined_{0};  // helpers working on the current call
  size_t workers_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: its detached workers may outlive static destructors
  return *p;
}

}  // namespace

void parallel_for(int threads, int64_t chunks, const std::function<void(int64_t)>& f) {
  if (chunks <= 0) return;
  if (threads <= 1 || chunks == 1) {
    for (int64_t c = 0; c < chunks; c++) f(c);
    return;
  }
  pool().run(threads, chunks, f);
}

}  // namespace selfevo
