// A small persistent thread pool for the native kernels: `parallel_for` splits `chunks` units of
// work over up to `threads` threads (the caller's thread included). Workers are started once, on
// first use, and sleep between calls, so a kernel pays a wake-up (microseconds) instead of a thread
// creation per call. One parallel call runs at a time; a call that finds the pool busy (another
// JavaScript thread of the process, e.g. a data-parallel worker, is using it) runs serially.
// Which thread runs a chunk never changes a result: callers give each chunk its own output.
#pragma once
#include <cstdint>
#include <functional>

namespace selfevo {

/** f(c) for every c in [0, chunks), on up to `threads` threads; returns when all are done. */
void parallel_for(int threads, int64_t chunks, const std::function<void(int64_t)>& f);

}  // namespace selfevo
