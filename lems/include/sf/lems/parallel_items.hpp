#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

// Independent items of a job (a slice of a partition, a share of a network's neurons) shared out
// over threads. Where each item writes only what is its own, what the job builds is the same on
// any number of threads; so is what it throws.
namespace sf::lems {

// The threads a phase runs on: `asked`, or with 0 this machine's hardware threads; never more
// than there are items, and at least one.
inline std::size_t threads_for(std::size_t asked, std::size_t items) {
    const std::size_t machine = std::max<std::size_t>(1, std::thread::hardware_concurrency());
    return std::max<std::size_t>(1, std::min(asked == 0 ? machine : asked, items));
}

// Calls work(item, worker) for every item in [0, count), worker in [0, threads): each thread
// takes the next item when it is done with one, the calling thread being worker 0. When items
// throw, the lowest such item's exception is rethrown once every thread has stopped, so the error
// is the one a single thread would have met first; items above it may not run. `done(n)` is
// called on the calling thread alone, with the items finished so far.
template <class Work, class Done>
void for_each_item(std::size_t count, std::size_t threads, Work&& work, Done&& done) {
    threads = threads_for(threads, count);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> finished{0};
    std::atomic<std::size_t> failed_at{count};
    std::exception_ptr failure;
    std::mutex failure_lock;
    auto take = [&](std::size_t worker) {
        for (std::size_t item = next++; item < count && item < failed_at; item = next++) {
            try {
                work(item, worker);
            } catch (...) {
                const std::lock_guard<std::mutex> hold(failure_lock);
                if (item < failed_at) {
                    failed_at = item;
                    failure = std::current_exception();
                }
            }
            const std::size_t now = ++finished;
            if (worker == 0) {
                done(now);
            }
        }
    };
    std::vector<std::thread> helpers;
    for (std::size_t worker = 1; worker < threads; ++worker) {
        try {
            helpers.emplace_back(take, worker);
        } catch (const std::system_error&) {
            break; // no thread to be had: the threads there are take every item
        }
    }
    take(0);
    for (std::thread& helper : helpers) {
        helper.join();
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
}

template <class Work>
void for_each_item(std::size_t count, std::size_t threads, Work&& work) {
    for_each_item(count, threads, std::forward<Work>(work), [](std::size_t) {});
}

} // namespace sf::lems
