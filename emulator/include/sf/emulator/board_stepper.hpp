#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sf/emulator/neuron_core.hpp>
#include <sf/firmware/image_views.hpp>
#include <sf/firmware/kernel.hpp>

namespace sf::emulator {

class chip_network;
class spike_exchange;

struct spike {
    std::uint32_t core = 0;
    std::uint32_t neuron = 0; // within its core
};

struct board_counters {
    firmware::kernel_counters cores; // summed over the cores
    std::uint64_t held_rows = 0;     // rows delivered after a hold
    std::uint64_t held_words = 0;    // their synaptic words
    // Lookups the board made itself in its cores' master tables that found nothing.
    std::uint64_t unmatched_keys = 0;
    double update_seconds = 0.0;   // wall time in the cores' steps (the neuron programs)
    double delivery_seconds = 0.0; // wall time routing spikes and delivering rows
};

// How an executor steps a board's cores: untimed in lockstep (lockstep_board), or with the time
// each core, router and link takes (timed_board). The image's start-up and recordings around it
// stay the same (functional_emulator).
class board_stepper {
public:
    virtual ~board_stepper() = default;

    virtual void step() = 0;
    // A spike from outside the board in the next step, routed as the core's own.
    virtual void inject(const spike& s) = 0;
    virtual std::uint64_t step_number() const = 0;
    // The spikes of the last step, core by core, neurons in increasing order.
    virtual const std::vector<spike>& spikes() const = 0;
    virtual std::size_t core_count() const = 0;
    virtual const neuron_core& core(std::size_t c) const = 0;
    virtual board_counters counters() const = 0;
    // The first program fault of any core (earliest step): the core's number and the report.
    std::pair<std::size_t, firmware::fault_report> first_fault() const;

protected:
    // The cores' counters summed, the rest of board_counters left for the stepper to fill.
    board_counters core_counters() const;
};

// Spikes from outside the board for the next step. A stepper lists and sends them after their
// core's own, in core order, so that they travel and are recorded as the core's spikes are.
class injected_spikes {
public:
    void add(const spike& s) { waiting_.push_back(s); }
    // Orders the waiting spikes by core; then `take` is called for every core in increasing order.
    void start_step();
    // Calls `each(spike)` for the waiting spikes of `core`.
    template <class Each>
    void take(std::size_t core, Each&& each) {
        for (; next_ < waiting_.size() && waiting_[next_].core == core; ++next_) {
            each(waiting_[next_]);
        }
    }
    void end_step() {
        waiting_.clear();
        next_ = 0;
    }

private:
    std::vector<spike> waiting_;
    std::size_t next_ = 0;
};

// What a stepper is built from: the started cores, the image's chips, and the sections they came
// from (they stay valid as long as the emulator).
struct board_parts {
    std::vector<std::unique_ptr<neuron_core>> cores;
    chip_network* network = nullptr;
    firmware::image::machine_view machine;
    std::vector<firmware::image::core_view> core_sections;
    // When the board is shared among ranks: how they exchange spikes, and per core whether this
    // rank steps it (the others are stand-ins). Null and empty when one process steps every core.
    spike_exchange* ranks = nullptr;
    std::vector<bool> local_cores;
};

// Builds the stepper of an image; null with `problem` set when this executor cannot run it.
using board_maker =
    std::function<std::unique_ptr<board_stepper>(board_parts& parts, std::string& problem)>;

} // namespace sf::emulator
