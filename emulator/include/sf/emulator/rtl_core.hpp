#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <sf/emulator/neuron_core.hpp>
#include <sf/firmware/image_views.hpp>
#include <sf/firmware/kernel.hpp>
#include <sf/firmware/timing.hpp>

namespace sf::emulator {

// The sizes the Verilated core was generated with (rtl/CMakeLists.txt); a section that needs more
// is refused with a problem() naming the memory.
struct rtl_core_limits {
    static constexpr std::size_t program_words = 4096;
    static constexpr std::size_t constant_words = 1024;
    static constexpr std::size_t table_words = 8192;
    static constexpr std::size_t state_words = 16384;
    static constexpr std::size_t neurons = 256;
    static constexpr std::size_t channels = 16;
    static constexpr std::size_t delay_slots = 16;
    // What the sequencer needs besides the program (sf_core_pkg.sv).
    static constexpr std::uint32_t drain_cycles = 3;
    static constexpr std::uint32_t tick_setup_cycles = 4;
};

// What the RTL itself said about the load: its load_error and config_error outputs.
struct rtl_core_refusal {
    bool load_error = false;
    unsigned load_code = 0;     // 1 bad instruction, 2 address beyond its region, 3 bad region
    unsigned decode_status = 0; // isa::decode_status of a bad instruction
    std::uint32_t load_index = 0;
    bool config_error = false;
    unsigned config_code = 0; // sf_core_pkg::CONFIG_*
    bool refused() const { return load_error || config_error; }
};

// The Verilated SystemVerilog neuron core (rtl/core/sf_core.sv, docs/rtl.md) behind the
// neuron_core interface, clocked cycle by cycle: it loads a core section through the core's load
// port, ticks it for every step and collects its spikes from the spike port.
class rtl_core final : public neuron_core {
public:
    explicit rtl_core(const firmware::image::core_view& section,
                      const firmware::timing::board_timing& timing = {});
    ~rtl_core() override;
    rtl_core(const rtl_core&) = delete;
    rtl_core& operator=(const rtl_core&) = delete;

    // ok, or the kernel's reason for refusing the section (firmware::check).
    firmware::init_status status() const { return status_; }
    // What the RTL core cannot run and why, beyond the kernel's refusal; "" when it is ready.
    const std::string& problem() const { return problem_; }
    bool ready() const { return status_ == firmware::init_status::ok && problem_.empty(); }
    // The RTL's own verdict on what was loaded; it agrees with status() and problem(), or the
    // constructor throws.
    const rtl_core_refusal& refusal() const { return refusal_; }

    std::size_t step(std::uint16_t* spiked, std::size_t capacity) override;
    void deliver(const std::uint32_t* row, std::size_t words) override;
    std::size_t neuron_count() const override;
    std::int32_t state(std::size_t neuron, std::size_t slot) const override;
    const firmware::kernel_counters& counters() const override;
    const firmware::fault_report& first_fault() const override;

    // Cycles of the last step, from its tick to its last busy cycle.
    std::uint64_t last_step_cycles() const override;
    std::uint64_t overruns() const;                  // ticks while a step ran
    std::uint64_t spike_stall_cycles() const;        // cycles a spike waited past spike_cycles
    std::uint64_t cycles() const { return cycles_; } // clock cycles since construction
    std::uint32_t step_number() const;

    // Whether the spike port's consumer takes a spike in a given cycle (default: always).
    void set_spike_ready(std::function<bool(std::uint64_t cycle)> ready);

    // Lower-level control for tests: tick and run a number of cycles without waiting for the step
    // to end; finish_step waits for it and returns its spikes as step() does.
    void start_step();
    void run_cycles(std::uint64_t count);
    bool stepping() const;
    std::size_t finish_step(std::uint16_t* spiked, std::size_t capacity);

    // rst_n for one cycle: the step in progress is abandoned, counters and the step number
    // cleared; memories and configuration stay. reload() resets and loads the section again.
    void reset();
    void reload();

    // Dumps every cycle from `from_cycle` on (counted by cycles()) to an FST file. The model is
    // rebuilt with tracing on and the section reloaded, so call it before the first step.
    void trace_to(const std::string& path, std::uint64_t from_cycle);

private:
    struct model;

    void load();
    void load_word(unsigned region, std::uint32_t address, std::uint32_t data);
    void load_tables(const firmware::core_config& config);
    void read_refusal();
    bool clock(); // one cycle; whether the synaptic word offered in it was taken
    void build_model(bool traced);

    std::unique_ptr<model> model_;
    firmware::image::core_view section_;
    firmware::timing::board_timing timing_;
    firmware::init_status status_ = firmware::init_status::ok;
    std::string problem_;
    rtl_core_refusal refusal_;
    std::function<bool(std::uint64_t)> spike_ready_;
    std::uint64_t cycles_ = 0;
    std::uint64_t unreported_ = 0;
    std::uint16_t* spike_out_ = nullptr;
    std::size_t spike_capacity_ = 0;
    std::size_t spike_count_ = 0;
    mutable firmware::kernel_counters counters_;
    mutable firmware::fault_report fault_;
};

} // namespace sf::emulator
