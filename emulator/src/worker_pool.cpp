#include <chrono>

#include "worker_pool.hpp"

namespace sf::emulator {
namespace {

// How long a worker spins for the next call before it sleeps: about a small time step's work.
constexpr std::chrono::microseconds spin_time{100};

} // namespace

worker_pool::worker_pool(std::size_t threads) {
    for (std::size_t k = 1; k < threads; ++k) {
        workers_.emplace_back([this] { work(); });
    }
}

worker_pool::~worker_pool() {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    start_.notify_all();
    for (std::thread& worker : workers_) {
        worker.join();
    }
}

void worker_pool::for_each_index(std::size_t count, const std::function<void(std::size_t)>& each) {
    if (workers_.empty() || count <= 1) {
        for (std::size_t i = 0; i < count; ++i) {
            each(i);
        }
        return;
    }
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        each_ = &each;
        count_ = count;
        next_.store(0, std::memory_order_relaxed);
        open_ = true;
        ++generation_;
        begun_.store(generation_, std::memory_order_release);
    }
    start_.notify_all();
    take_indices();
    // Every index is taken: no worker joins from now on. Those that joined are through, their
    // writes visible here, before `each` goes away.
    std::unique_lock<std::mutex> lock(mutex_);
    open_ = false;
    done_.wait(lock, [this] { return busy_ == 0; });
    each_ = nullptr;
}

void worker_pool::work() {
    std::uint64_t seen = 0;
    for (;;) {
        await_call(seen);
        {
            std::unique_lock<std::mutex> lock(mutex_);
            start_.wait(lock, [&] { return stopping_ || (open_ && generation_ != seen); });
            if (stopping_) {
                return;
            }
            seen = generation_;
            ++busy_;
        }
        take_indices();
        const std::lock_guard<std::mutex> lock(mutex_);
        if (--busy_ == 0) {
            done_.notify_one();
        }
    }
}

// Spins, yielding to other threads, until a call after `seen` begins or the spin time is up.
void worker_pool::await_call(std::uint64_t seen) {
    const auto until = std::chrono::steady_clock::now() + spin_time;
    while (begun_.load(std::memory_order_acquire) == seen &&
           std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();
    }
}

// The indices are handed out one by one rather than in fixed shares: cores differ in size and in
// the rows they receive, and a thread that finishes early takes the next one.
void worker_pool::take_indices() {
    for (std::size_t i = next_.fetch_add(1, std::memory_order_relaxed); i < count_;
         i = next_.fetch_add(1, std::memory_order_relaxed)) {
        (*each_)(i);
    }
}

} // namespace sf::emulator
