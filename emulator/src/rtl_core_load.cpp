#include <sf/emulator/rtl_core.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include <sf/firmware/core_start.hpp>
#include <sf/firmware/image_format.hpp>

#include "rtl_core_model.hpp"

// Loading a core section through the core's load port. The region numbers and configuration
// addresses are rtl/core/sf_core_pkg.sv's.
namespace sf::emulator {
namespace {

namespace region {
constexpr unsigned config = 0;
constexpr unsigned program = 1;
constexpr unsigned constant = 2;
constexpr unsigned table = 3;
constexpr unsigned state = 4;
constexpr unsigned ring = 5;
} // namespace region

namespace config_address {
constexpr std::uint32_t neurons = 0;
constexpr std::uint32_t state_words = 1;
constexpr std::uint32_t input_channels = 2;
constexpr std::uint32_t delay_slots = 3;
constexpr std::uint32_t seed = 4;
constexpr std::uint32_t first_neuron = 5;
constexpr std::uint32_t program_length = 6;
constexpr std::uint32_t constant_count = 7;
constexpr std::uint32_t table_count = 8;
constexpr std::uint32_t tick_cycles = 9;
constexpr std::uint32_t neuron_cycles = 10;
constexpr std::uint32_t spike_cycles = 11;
constexpr std::uint32_t rand_cycles = 12;
constexpr std::uint32_t tables = 16; // x0, shape, base per table
} // namespace config_address

using limits = rtl_core_limits;

std::size_t samples_of(const firmware::isa::lookup_table& table) {
    return (std::size_t{1} << table.log2_intervals) + 1;
}

// The RTL's limits beyond the kernel's: its memories and the sequencer's cycles.
std::string limit_problem(const firmware::core_config& config,
                          const firmware::timing::board_timing& timing) {
    const std::size_t state = config.neuron_count * config.state_words;
    if (state > limits::state_words) {
        return "state memory: " + std::to_string(config.neuron_count) + " neurons x " +
               std::to_string(config.state_words) + " words = " + std::to_string(state) +
               " words, the RTL core has " + std::to_string(limits::state_words);
    }
    std::size_t samples = 0;
    for (std::size_t t = 0; t < config.table_count; ++t) {
        samples += samples_of(config.tables[t]);
    }
    if (samples > limits::table_words) {
        return "table memory: " + std::to_string(samples) + " samples, the RTL core has " +
               std::to_string(limits::table_words);
    }
    if (timing.neuron_cycles < limits::drain_cycles) {
        return "neuron_cycles: " + std::to_string(timing.neuron_cycles) + ", fewer than the " +
               std::to_string(limits::drain_cycles) + " cycles the pipeline needs to drain";
    }
    if (timing.tick_cycles < limits::tick_setup_cycles) {
        return "tick_cycles: " + std::to_string(timing.tick_cycles) + ", fewer than the " +
               std::to_string(limits::tick_setup_cycles) +
               " cycles a step needs before its first neuron";
    }
    if (timing.spike_cycles < 1) {
        return "spike_cycles: 0, the spike port needs at least one cycle per spike";
    }
    if (timing.rand_cycles < 1) {
        return "rand_cycles: 0, rand needs at least one cycle in decode";
    }
    return "";
}

} // namespace

rtl_core::rtl_core(const firmware::image::core_view& section,
                   const firmware::timing::board_timing& timing)
    : section_(section), timing_(timing) {
    firmware::isa::lookup_table tables[firmware::max_tables] = {};
    const firmware::core_config config = firmware::config_of(section_, tables);
    status_ = firmware::check(config);
    if (status_ != firmware::init_status::ok) {
        problem_ = std::string("the kernel refuses the section: ") + firmware::describe(status_);
    } else {
        problem_ = limit_problem(config, timing_);
    }
    build_model(false);
    load();
    // The RTL checks everything but the analog timing; it must refuse exactly what is refused.
    if (refusal_.refused() != !ready()) {
        throw std::logic_error(
            "rtl core: the RTL " + std::string(refusal_.refused() ? "refused" : "accepted") +
            " a section that " + (ready() ? "is fine" : problem_) + " (load error " +
            std::to_string(refusal_.load_code) + " at " + std::to_string(refusal_.load_index) +
            ", configuration error " + std::to_string(refusal_.config_code) + ")");
    }
    if (timing_.analog_neurons && ready()) {
        problem_ = "analog neurons: the RTL core runs a program for every neuron";
    }
}

void rtl_core::load_word(unsigned where, std::uint32_t address, std::uint32_t data) {
    Vsf_core& top = *model_->top;
    top.load_valid = 1;
    top.load_region = static_cast<CData>(where);
    top.load_addr = address;
    top.load_data = data;
    clock();
    top.load_valid = 0;
}

void rtl_core::load_tables(const firmware::core_config& config) {
    std::uint32_t base = 0;
    const std::size_t count = std::min(config.table_count, firmware::max_tables);
    for (std::size_t t = 0; t < count; ++t) {
        const firmware::isa::lookup_table& table = config.tables[t];
        const auto at = config_address::tables + 3 * static_cast<std::uint32_t>(t);
        const firmware::image::table_shape shape{table.step, table.log2_intervals};
        load_word(region::config, at, static_cast<std::uint32_t>(table.x0));
        load_word(region::config, at + 1, firmware::image::encode_shape(shape));
        load_word(region::config, at + 2, base);
        if (!firmware::isa::within_limits(table)) {
            continue; // refused by its shape; its samples are not to be trusted
        }
        const std::size_t samples = samples_of(table);
        for (std::size_t k = 0; k < samples && base + k < limits::table_words; ++k) {
            load_word(region::table, static_cast<std::uint32_t>(base + k),
                      static_cast<std::uint32_t>(table.y[k]));
        }
        base += static_cast<std::uint32_t>(samples);
    }
}

void rtl_core::load() {
    firmware::isa::lookup_table tables[firmware::max_tables] = {};
    const firmware::core_config config = firmware::config_of(section_, tables);
    reset();
    const auto narrow = [](std::size_t v) { return static_cast<std::uint32_t>(v); };
    load_word(region::config, config_address::neurons, narrow(config.neuron_count));
    load_word(region::config, config_address::state_words, narrow(config.state_words));
    load_word(region::config, config_address::input_channels, narrow(config.input_channels));
    load_word(region::config, config_address::delay_slots, narrow(config.delay_slots));
    load_word(region::config, config_address::seed, config.seed);
    load_word(region::config, config_address::first_neuron, config.first_neuron);
    load_word(region::config, config_address::program_length, narrow(config.program_length));
    load_word(region::config, config_address::constant_count, narrow(config.constant_count));
    load_word(region::config, config_address::table_count, narrow(config.table_count));
    load_word(region::config, config_address::tick_cycles, timing_.tick_cycles);
    load_word(region::config, config_address::neuron_cycles, timing_.neuron_cycles);
    load_word(region::config, config_address::spike_cycles, timing_.spike_cycles);
    load_word(region::config, config_address::rand_cycles, timing_.rand_cycles);
    for (std::size_t w = 0; w < std::min(config.program_length, limits::program_words); ++w) {
        load_word(region::program, narrow(w), config.program[w]);
    }
    for (std::size_t k = 0; k < std::min(config.constant_count, limits::constant_words); ++k) {
        load_word(region::constant, narrow(k), static_cast<std::uint32_t>(config.constants[k]));
    }
    load_tables(config);
    const std::size_t neurons = std::min(config.neuron_count, limits::neurons);
    const std::size_t state = config.neuron_count * config.state_words;
    for (std::size_t w = 0; state <= limits::state_words && w < state; ++w) {
        const std::int32_t value = config.initial_state != nullptr ? config.initial_state[w] : 0;
        load_word(region::state, narrow(w), static_cast<std::uint32_t>(value));
    }
    const std::size_t slots = std::min(config.delay_slots, limits::delay_slots);
    const std::size_t lanes = std::min(config.input_channels, limits::channels);
    for (std::size_t slot = 0; slot < slots; ++slot) {
        for (std::size_t n = 0; n < neurons; ++n) {
            for (std::size_t lane = 0; lane < lanes; ++lane) {
                const std::size_t row = slot * limits::neurons + n;
                load_word(region::ring, narrow(row * limits::channels + lane), 0);
            }
        }
    }
    // The load port is registered and the configuration's checks take two cycles more.
    run_cycles(3);
    read_refusal();
}

void rtl_core::read_refusal() {
    const Vsf_core& top = *model_->top;
    refusal_.load_error = top.load_error != 0;
    refusal_.load_code = top.load_error_code;
    refusal_.decode_status = top.load_error_status;
    refusal_.load_index = top.load_error_index;
    refusal_.config_error = top.config_error != 0;
    refusal_.config_code = top.config_error_code;
}

void rtl_core::reload() {
    load();
    unreported_ = 0;
}

} // namespace sf::emulator
