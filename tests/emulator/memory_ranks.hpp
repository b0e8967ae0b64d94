// Ranks in one process for the tests of a board spread over ranks: each rank on a thread of its
// own, exchanging through shared memory what MPI would carry between processes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

#include <sf/emulator/spike_exchange.hpp>

namespace sf::emulator::test {

// What the ranks share: a slot of words per rank and a barrier.
class memory_hub {
public:
    explicit memory_hub(std::size_t ranks) : ranks_(ranks), slots_(ranks) {}
    std::size_t ranks() const { return ranks_; }

    // Puts `words` in the rank's slot and waits for every rank to have done so; `read` is then
    // called with every slot, and no slot changes until every rank has read.
    template <class Read>
    void share(std::size_t rank, std::vector<std::uint32_t> words, Read&& read) {
        slots_[rank] = std::move(words);
        wait();
        read(slots_);
        wait();
    }

private:
    void wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        const std::uint64_t generation = generation_;
        if (++arrived_ == ranks_) {
            arrived_ = 0;
            ++generation_;
            all_.notify_all();
            return;
        }
        all_.wait(lock, [&] { return generation_ != generation; });
    }

    std::size_t ranks_;
    std::vector<std::vector<std::uint32_t>> slots_;
    std::mutex mutex_;
    std::condition_variable all_;
    std::size_t arrived_ = 0;
    std::uint64_t generation_ = 0;
};

// One rank's side of the hub.
class memory_rank final : public spike_exchange {
public:
    memory_rank(memory_hub& hub, std::size_t rank) : hub_(hub), rank_(rank) {}

    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return hub_.ranks(); }

    void exchange(const std::vector<spike>& local, std::vector<spike>& all) override {
        std::vector<std::uint32_t> words;
        for (const spike& s : local) {
            words.push_back(s.core);
            words.push_back(s.neuron);
        }
        hub_.share(rank_, std::move(words), [&](const auto& slots) {
            all.clear();
            for (const auto& slot : slots) {
                for (std::size_t k = 0; k < slot.size(); k += 2) {
                    all.push_back({slot[k], slot[k + 1]});
                }
            }
        });
    }

    void sum(std::vector<std::uint64_t>& values) override {
        std::vector<std::uint32_t> words(values.size() * 2);
        std::memcpy(words.data(), values.data(), values.size() * sizeof(std::uint64_t));
        hub_.share(rank_, std::move(words), [&](const auto& slots) {
            std::fill(values.begin(), values.end(), 0);
            for (const auto& slot : slots) {
                for (std::size_t k = 0; k < values.size(); ++k) {
                    std::uint64_t v = 0;
                    std::memcpy(&v, &slot[2 * k], sizeof v);
                    values[k] += v;
                }
            }
        });
    }

    std::vector<std::vector<std::uint32_t>>
    gather(const std::vector<std::uint32_t>& local) override {
        std::vector<std::vector<std::uint32_t>> all;
        hub_.share(rank_, local, [&](const auto& slots) {
            if (rank_ == 0) {
                all = slots;
            }
        });
        return all;
    }

private:
    memory_hub& hub_;
    std::size_t rank_;
};

} // namespace sf::emulator::test
