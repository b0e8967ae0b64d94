#pragma once

#include <sf/emulator/neuron_core.hpp>

namespace sf::emulator {

// A core that another rank steps: it stands in this rank's board so that cores keep their numbers,
// holds no state, and at the end of a run takes the counters and fault the owning rank reports.
class remote_core final : public neuron_core {
public:
    explicit remote_core(std::size_t neurons) : neurons_(neurons) {}

    std::size_t step(std::uint16_t*, std::size_t) override { return 0; }
    void deliver(const std::uint32_t*, std::size_t) override {}
    std::size_t neuron_count() const override { return neurons_; }
    std::int32_t state(std::size_t, std::size_t) const override { return 0; }
    const firmware::kernel_counters& counters() const override { return counters_; }
    const firmware::fault_report& first_fault() const override { return fault_; }

    void take(const firmware::kernel_counters& counters, const firmware::fault_report& fault) {
        counters_ = counters;
        fault_ = fault;
    }

private:
    std::size_t neurons_ = 0;
    firmware::kernel_counters counters_;
    firmware::fault_report fault_;
};

} // namespace sf::emulator
