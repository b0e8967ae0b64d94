#include <algorithm>

#include <sf/emulator/board_stepper.hpp>

namespace sf::emulator {

std::pair<std::size_t, firmware::fault_report> board_stepper::first_fault() const {
    std::pair<std::size_t, firmware::fault_report> first{0, {}};
    for (std::size_t c = 0; c < core_count(); ++c) {
        const firmware::fault_report& f = core(c).first_fault();
        if (f.happened && (!first.second.happened || f.step < first.second.step)) {
            first = {c, f};
        }
    }
    return first;
}

board_counters board_stepper::core_counters() const {
    board_counters total;
    for (std::size_t c = 0; c < core_count(); ++c) {
        firmware::accumulate(total.cores, core(c).counters());
    }
    return total;
}

void injected_spikes::start_step() {
    std::sort(waiting_.begin(), waiting_.end(), [](const spike& a, const spike& b) {
        return a.core != b.core ? a.core < b.core : a.neuron < b.neuron;
    });
    next_ = 0;
}

} // namespace sf::emulator
