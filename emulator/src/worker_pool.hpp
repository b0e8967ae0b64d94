#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sf::emulator {

// Threads kept for the whole run of a board, so that a time step pays for waking them, not for
// starting them: each call hands a range of indices out one at a time to whichever thread is free
// (the caller's among them) and returns once every index is done. A worker the system wakes only
// after the caller has taken the last index does not join that call, so that the caller never
// waits for a thread that had nothing to do (on a busy machine, a wake-up can take long). Between
// calls a worker first spins a little, yielding, before it sleeps: the next time step's call comes
// within microseconds, sooner than a sleeping thread is woken. What each
// index computes must not depend on which thread runs it, nor on the others of the call: that is
// what keeps a run's results the same whatever the number of threads.
class worker_pool {
public:
    // `threads` counts the caller's thread: 1 starts none and runs every call on the caller.
    explicit worker_pool(std::size_t threads);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    std::size_t threads() const { return workers_.size() + 1; }

    // Calls `each(i)` once for every i in [0, count). `each` must not throw.
    void for_each_index(std::size_t count, const std::function<void(std::size_t)>& each);

private:
    void work();
    void await_call(std::uint64_t seen);
    void take_indices();

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable start_;
    std::condition_variable done_;
    std::uint64_t generation_ = 0; // calls begun: a worker joins each call once
    std::atomic<std::uint64_t> begun_{
        0};                // generation_, read without the mutex while a worker spins
    bool open_ = false;    // the current call still takes workers
    std::size_t busy_ = 0; // workers that joined the current call and are not through
    bool stopping_ = false;
    // The current call, written under the mutex before the workers are woken.
    const std::function<void(std::size_t)>* each_ = nullptr;
    std::size_t count_ = 0;
    std::atomic<std::size_t> next_{0};
};

} // namespace sf::emulator
