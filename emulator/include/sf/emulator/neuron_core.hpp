#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/kernel.hpp>

namespace sf::emulator {

// One neuron core as an executor runs it: what a board's core does in a time step, behind one
// interface, so that the firmware kernel (kernel_core) and a simulated RTL core can stand in for
// each other while the chips, the held rows and the stepping around them stay the same.
class neuron_core {
public:
    virtual ~neuron_core() = default;

    // Computes the next time step. Writes the neurons that spiked, in increasing order, to
    // `spiked` (at most `capacity`; the rest are counted as unreported) and returns how many.
    virtual std::size_t step(std::uint16_t* spiked, std::size_t capacity) = 0;
    // Adds a synaptic row into the core's ring buffer, read from the step its delays name.
    virtual void deliver(const std::uint32_t* row, std::size_t words) = 0;

    virtual std::size_t neuron_count() const = 0;
    // A state word; 0 for a neuron or slot the core does not have.
    virtual std::int32_t state(std::size_t neuron, std::size_t slot) const = 0;
    virtual const firmware::kernel_counters& counters() const = 0;
    virtual const firmware::fault_report& first_fault() const = 0;
    // The clock cycles the last step took, for a core that counts them (a simulated RTL core);
    // 0 for one that does not (the kernel), whose cycles the timing model gives.
    virtual std::uint64_t last_step_cycles() const { return 0; }
};

} // namespace sf::emulator
