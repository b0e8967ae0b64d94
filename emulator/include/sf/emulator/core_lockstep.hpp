#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/neuron_core.hpp>
#include <sf/emulator/rtl_core.hpp>
#include <sf/firmware/image_views.hpp>
#include <sf/firmware/timing.hpp>

namespace sf::emulator {

// The first difference between the firmware kernel and the RTL core.
struct lockstep_difference {
    bool found = false;
    std::uint64_t step = 0; // the step after which it showed
    std::string what;       // "spikes", "state neuron 3 slot 1", "counter saturations", "cycles"
    std::string kernel;     // the kernel's value (for cycles: timing::step_cycles)
    std::string rtl;        // the RTL's
    std::string trace;      // the FST file of the cycles before it; "" when none was asked for
    std::string text() const;
};

// A core section run by the firmware kernel and the RTL core side by side. It is itself a
// neuron_core (the kernel's results are what it reports), so a board can step it in place of a
// kernel_core. After every step it compares the spike lists, every state word of every neuron,
// every counter, the first fault, and the RTL's cycles with timing::step_cycles; at the first
// difference it stops comparing, keeps the report, and — when given a trace folder — runs the RTL
// again from the start on the same inputs, dumping the last `window` cycles before the difference
// to an FST file there.
class core_lockstep final : public neuron_core {
public:
    core_lockstep(const firmware::image::core_view& section,
                  const firmware::timing::board_timing& timing = {}, std::string trace_folder = "",
                  std::uint64_t window = 2000);

    // Both cores started; otherwise problem() says which refused and why.
    bool ready() const { return problem_.empty(); }
    const std::string& problem() const { return problem_; }

    // The rows delivered before it, then one step of both; the difference so far.
    const lockstep_difference& step(const std::vector<std::vector<std::uint32_t>>& rows);
    const lockstep_difference& difference() const { return difference_; }
    std::uint64_t steps_compared() const { return compared_; }
    // The kernel's spikes in the last step.
    const std::vector<std::uint16_t>& last_spikes() const { return last_spikes_; }
    const rtl_core& rtl() const { return *rtl_; }
    // The RTL core itself, for a caller that drives its ports (a spike consumer that stalls).
    rtl_core& rtl() { return *rtl_; }

    std::size_t step(std::uint16_t* spiked, std::size_t capacity) override;
    void deliver(const std::uint32_t* row, std::size_t words) override;
    std::size_t neuron_count() const override { return kernel_.neuron_count(); }
    std::int32_t state(std::size_t neuron, std::size_t slot) const override {
        return kernel_.state(neuron, slot);
    }
    const firmware::kernel_counters& counters() const override { return kernel_.counters(); }
    const firmware::fault_report& first_fault() const override { return kernel_.first_fault(); }

private:
    // What the RTL was given, to run it again: rows, then a step with its spike capacity.
    struct input {
        std::vector<std::uint32_t> row;
        bool is_step = false;
        std::size_t capacity = 0; // of a step
    };

    void compare(const std::vector<std::uint16_t>& kernel_spikes,
                 const std::vector<std::uint16_t>& rtl_spikes);
    bool compare_state();
    bool compare_counters();
    bool compare_cycles();
    void differ(std::string what, std::string kernel, std::string rtl);
    void dump_trace();

    firmware::image::core_view section_;
    firmware::timing::board_timing timing_;
    std::string trace_folder_;
    std::uint64_t window_;
    kernel_core kernel_;
    std::unique_ptr<rtl_core> rtl_;
    std::uint64_t program_cycles_ = 0;
    std::uint64_t step_spikes_ = 0; // the kernel's spikes in the last step, reported or not
    std::vector<input> inputs_;
    std::uint64_t compared_ = 0;
    std::vector<std::uint16_t> last_spikes_;
    lockstep_difference difference_;
    std::string problem_;
};

} // namespace sf::emulator
