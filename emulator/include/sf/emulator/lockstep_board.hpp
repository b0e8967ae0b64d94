#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/emulator/held_rows.hpp>
#include <sf/emulator/neuron_core.hpp>
#include <sf/firmware/master_table.hpp>

namespace sf::emulator {

// Where the synaptic rows of a spike go: to a core now, or held for whole steps first.
class row_sink {
public:
    virtual void deliver_row(std::size_t core, const firmware::synaptic_row& row) = 0;

protected:
    ~row_sink() = default;
};

// How the spike of one neuron reaches the rows of the cores it targets: through the routers of a
// board image's chips (chip_network), or straight through a table of targets (fan_out).
class spike_router {
public:
    virtual ~spike_router() = default;
    virtual void send(std::size_t core, std::uint32_t neuron, row_sink& rows) = 0;
};

// A board's cores stepping in lockstep, untimed: in each time step every core computes, then the
// rows whose hold ends are delivered, then every spike of the step travels through the router to
// its rows, all before the next step.
class lockstep_board final : public board_stepper, private row_sink {
public:
    // `router` belongs to the caller and outlives the board.
    lockstep_board(std::vector<std::unique_ptr<neuron_core>> cores, spike_router& router);

    void step() override;
    // Adds a spike of `s.neuron` of core `s.core` to the next step, as if the core had made it: it
    // is routed and listed in spikes() with the core's own (a source outside the board).
    void inject(const spike& s) override;
    // The number of the step computed last: 0 before the first.
    std::uint64_t step_number() const override { return step_; }
    // The spikes of the last step, core by core, neurons in increasing order (a core's injected
    // spikes after its own).
    const std::vector<spike>& spikes() const override { return spikes_; }

    std::size_t core_count() const override { return cores_.size(); }
    const neuron_core& core(std::size_t c) const override { return *cores_[c]; }
    board_counters counters() const override;

private:
    void deliver_row(std::size_t core, const firmware::synaptic_row& row) override;
    void compute_cores();

    std::vector<std::unique_ptr<neuron_core>> cores_;
    spike_router& router_;
    held_rows held_;
    std::vector<spike> spikes_;
    injected_spikes injected_;
    std::vector<std::uint16_t> buffer_;
    std::uint64_t step_ = 0;
    double update_seconds_ = 0.0;
    double delivery_seconds_ = 0.0;
};

} // namespace sf::emulator
