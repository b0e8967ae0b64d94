#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sf/emulator/lockstep_board.hpp>

namespace sf::emulator {

// Where a spike of one neuron goes: a synaptic word for a core, after `hold` extra steps.
struct fan_out_target {
    std::uint32_t core = 0;
    std::uint32_t word = 0;
    std::uint32_t hold = 0;
};

// Spikes wired straight to their targets, without chips or routers: each neuron's targets grouped
// by hold and core into the rows the cores take whole. What runs a network on cores alone, before
// it is placed on a board.
class fan_out final : public spike_router {
public:
    // `first_neuron[c]` numbers core c's first neuron among all; neuron k's targets are
    // targets[offsets[k] .. offsets[k + 1]).
    fan_out(std::vector<std::uint32_t> first_neuron, const std::vector<std::uint32_t>& offsets,
            std::vector<fan_out_target> targets);

    void send(std::size_t core, std::uint32_t neuron, row_sink& rows) override;

private:
    struct row {
        std::uint32_t core = 0;
        std::uint32_t hold = 0;
        std::uint32_t begin = 0;
        std::uint32_t count = 0;
    };

    std::vector<std::uint32_t> first_neuron_;
    std::vector<std::uint32_t>
        row_offsets_; // per neuron: rows_[row_offsets_[k] .. row_offsets_[k + 1])
    std::vector<row> rows_;
    std::vector<std::uint32_t> words_;
};

} // namespace sf::emulator
