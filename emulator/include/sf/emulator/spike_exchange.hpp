#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sf/emulator/board_stepper.hpp>

namespace sf::emulator {

// What the processes (ranks) running one board image share: each steps the cores of its own chips,
// and once a step they exchange the spikes, so that every rank routes all of them; at the end
// they add up their counters and rank 0 gathers what the others recorded. Every call is
// collective: every rank makes the same calls in the same order.
class spike_exchange {
public:
    virtual ~spike_exchange() = default;

    virtual std::size_t rank() const = 0;
    virtual std::size_t ranks() const = 0;
    // The spikes of every rank this step, rank by rank, given this rank's own in `local`.
    virtual void exchange(const std::vector<spike>& local, std::vector<spike>& all) = 0;
    // Adds `values` up over the ranks, element by element; every rank gets the sums.
    virtual void sum(std::vector<std::uint64_t>& values) = 0;
    // Every rank's `local` words, rank by rank, on rank 0; nothing on the others.
    virtual std::vector<std::vector<std::uint32_t>>
    gather(const std::vector<std::uint32_t>& local) = 0;
};

// One process running the whole board.
class single_process final : public spike_exchange {
public:
    std::size_t rank() const override { return 0; }
    std::size_t ranks() const override { return 1; }
    void exchange(const std::vector<spike>& local, std::vector<spike>& all) override {
        all = local;
    }
    void sum(std::vector<std::uint64_t>&) override {}
    std::vector<std::vector<std::uint32_t>>
    gather(const std::vector<std::uint32_t>& local) override {
        return {local};
    }
};

} // namespace sf::emulator
