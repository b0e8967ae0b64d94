#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sf/firmware/kernel.hpp>

// Neuron cores stepping in lockstep on the host: every core runs the firmware kernel, and the
// spikes of a step reach their targets through a fan-out table before the next step, as
// multicast packets would. Delays longer than a core's ring buffer are held back by the host
// and delivered when the ring can take them.
namespace sf::emulator {

// One core's start-up data in plain vectors (firmware::core_config points into them).
struct core_image {
    std::vector<std::uint32_t> program;
    std::vector<std::int32_t> constants;
    struct table {
        std::int32_t x0 = 0;
        std::uint8_t step = 0;
        std::uint8_t log2_intervals = 0;
        std::vector<std::int32_t> samples;
    };
    std::vector<table> tables;
    std::size_t neurons = 0;
    std::size_t state_words = 0;
    std::size_t input_channels = 0;
    std::size_t delay_slots = 1;
    std::vector<std::int32_t> initial_state; // neuron-major
    std::uint32_t seed = 0;
    std::uint32_t first_neuron = 0; // of the neurons sharing the seed (firmware::core_config)
    std::string label; // for messages: the population and neurons it holds
};

// Where a spike of one neuron goes: a synaptic word for a core, after `hold` extra steps.
struct fan_out_target {
    std::uint32_t core = 0;
    std::uint32_t word = 0;
    std::uint32_t hold = 0;
};

struct array_counters {
    firmware::kernel_counters cores; // summed over the cores
    std::uint64_t held_words = 0;    // words delayed by the host beyond a ring's reach
    double update_seconds = 0.0;     // wall time in the cores' steps (the neuron programs)
    double delivery_seconds = 0.0;   // wall time delivering spikes into the rings
};

class core_array {
public:
    // Starts every core. When one refuses its image the array is not ready and problem() names
    // the core and the reason.
    explicit core_array(std::vector<core_image> images);

    bool ready() const { return problem_.empty(); }
    const std::string& problem() const { return problem_; }

    // The fan-out of every neuron: targets[offsets[k] .. offsets[k + 1]) for neuron k, where
    // k = first_neuron(core) + neuron.
    void set_fan_out(std::vector<std::uint32_t> offsets, std::vector<fan_out_target> targets);

    std::size_t core_count() const { return cores_.size(); }
    std::size_t first_neuron(std::size_t core) const { return first_[core]; }

    // One step of every core, then the delivery of its spikes.
    void step();

    // Neurons that spiked in the last step, as global neuron numbers, in increasing order.
    const std::vector<std::uint32_t>& spikes() const { return spiked_; }

    const firmware::kernel& core(std::size_t c) const { return *cores_[c].kernel; }
    array_counters counters() const;
    // The first program fault of any core, with its core; happened is false when there was none.
    std::pair<std::size_t, firmware::fault_report> first_fault() const;

private:
    struct running_core {
        core_image image;
        std::vector<firmware::isa::lookup_table> tables;
        std::vector<std::uint32_t> arena;
        std::unique_ptr<firmware::kernel> kernel;
    };
    // A neuron's words for one core with one hold, side by side in words_: a synaptic row.
    struct row {
        std::uint32_t core = 0;
        std::uint32_t hold = 0;
        std::uint32_t begin = 0;
        std::uint32_t count = 0;
    };

    std::vector<running_core> cores_;
    std::vector<std::size_t> first_;
    std::vector<std::uint32_t> row_offsets_; // per neuron: rows_[row_offsets_[k] .. row_offsets_[k + 1])
    std::vector<row> rows_;
    std::vector<std::uint32_t> words_;
    std::vector<std::uint32_t> spiked_;
    std::vector<std::uint16_t> buffer_;
    // Held rows by the step they are released in (a ring of buckets).
    std::vector<std::vector<row>> held_;
    std::uint64_t step_ = 0;
    std::uint64_t held_words_ = 0;
    double update_seconds_ = 0.0;
    double delivery_seconds_ = 0.0;
    std::string problem_;
};

} // namespace sf::emulator
