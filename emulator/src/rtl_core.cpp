#include <sf/emulator/rtl_core.hpp>

#include <stdexcept>
#include <string>

#include "rtl_core_model.hpp"
#include "rtl_coverage.hpp"

// Each clock() evaluates the model with the clock low, so that its outputs show what the core
// offers in this cycle given this cycle's inputs (a spike, a taken synaptic word), then raises the
// clock for the registers to take the edge.
namespace sf::emulator {

void rtl_core::build_model(bool traced) {
    model_ = std::make_unique<model>(traced);
    Vsf_core& top = *model_->top;
    top.clk = 0;
    top.rst_n = 1;
    top.tick = 0;
    top.spike_ready = 1;
    top.syn_valid = 0;
    top.syn_word = 0;
    top.load_valid = 0;
    top.load_region = 0;
    top.load_addr = 0;
    top.load_data = 0;
    top.debug_addr = 0;
    top.eval();
}

rtl_core::~rtl_core() {
    if (model_) {
        model_->top->final();
        write_rtl_coverage(*model_->context, "core");
    }
}

bool rtl_core::clock() {
    Vsf_core& top = *model_->top;
    top.clk = 0;
    top.spike_ready = spike_ready_ ? (spike_ready_(cycles_) ? 1 : 0) : 1;
    top.eval();
    const bool word_taken = top.syn_valid != 0 && top.syn_ready != 0;
    if (top.spike_valid != 0 && top.spike_ready != 0) {
        if (spike_count_ < spike_capacity_) {
            spike_out_[spike_count_] = static_cast<std::uint16_t>(top.spike_neuron);
        } else {
            ++unreported_;
        }
        ++spike_count_;
    }
    model_->dump(cycles_, 0);
    top.clk = 1;
    top.eval();
    model_->dump(cycles_, 1);
    ++cycles_;
    return word_taken;
}

void rtl_core::reset() {
    Vsf_core& top = *model_->top;
    top.rst_n = 0;
    top.tick = 0;
    top.syn_valid = 0;
    top.load_valid = 0;
    clock();
    top.rst_n = 1;
    unreported_ = 0;
}

void rtl_core::start_step() {
    Vsf_core& top = *model_->top;
    top.tick = 1;
    spike_count_ = 0;
    clock();
    top.tick = 0;
}

void rtl_core::run_cycles(std::uint64_t count) {
    for (std::uint64_t c = 0; c < count; ++c) {
        clock();
    }
}

bool rtl_core::stepping() const { return model_->top->busy != 0; }

std::size_t rtl_core::finish_step(std::uint16_t* spiked, std::size_t capacity) {
    Vsf_core& top = *model_->top;
    spike_out_ = spiked;
    spike_capacity_ = spiked != nullptr ? capacity : 0;
    // A step of the largest core at the slowest timing a board gives ends long before this.
    constexpr std::uint64_t give_up = std::uint64_t{1} << 36;
    for (std::uint64_t c = 0; top.step_done == 0; ++c) {
        if (c == give_up) {
            throw std::runtime_error("rtl core: a step did not end within 2^36 cycles");
        }
        clock();
    }
    spike_out_ = nullptr;
    spike_capacity_ = 0;
    return spike_count_ < capacity ? spike_count_ : capacity;
}

std::size_t rtl_core::step(std::uint16_t* spiked, std::size_t capacity) {
    if (!ready()) {
        return 0;
    }
    start_step();
    return finish_step(spiked, capacity);
}

void rtl_core::deliver(const std::uint32_t* row, std::size_t words) {
    if (!ready()) {
        return;
    }
    Vsf_core& top = *model_->top;
    for (std::size_t w = 0; w < words; ++w) {
        top.syn_valid = 1;
        top.syn_word = row[w];
        while (!clock()) {
        }
    }
    top.syn_valid = 0;
}

std::size_t rtl_core::neuron_count() const { return ready() ? section_.neurons : 0; }

std::int32_t rtl_core::state(std::size_t neuron, std::size_t slot) const {
    if (!ready() || neuron >= section_.neurons || slot >= section_.state_words) {
        return 0;
    }
    Vsf_core& top = *model_->top;
    top.debug_addr = static_cast<SData>(neuron * section_.state_words + slot);
    top.eval();
    return static_cast<std::int32_t>(top.debug_data);
}

const firmware::kernel_counters& rtl_core::counters() const {
    const Vsf_core& top = *model_->top;
    counters_.steps = top.steps;
    counters_.neuron_updates = top.neuron_updates;
    counters_.instructions = top.instructions;
    counters_.spikes = top.spikes;
    counters_.unreported_spikes = unreported_;
    counters_.delivered_words = top.delivered_words;
    counters_.input_overflows = top.input_overflows;
    counters_.dropped_words = top.dropped_words;
    counters_.saturations = top.saturations;
    counters_.program_faults = top.program_faults;
    return counters_;
}

const firmware::fault_report& rtl_core::first_fault() const {
    const Vsf_core& top = *model_->top;
    fault_.happened = top.fault_valid != 0;
    fault_.step = top.fault_step;
    fault_.neuron = top.fault_neuron;
    fault_.instruction = top.fault_instruction;
    fault_.status = static_cast<firmware::isa::run_status>(top.fault_status);
    return fault_;
}

std::uint64_t rtl_core::last_step_cycles() const { return model_->top->last_step_cycles; }
std::uint64_t rtl_core::overruns() const { return model_->top->overruns; }
std::uint64_t rtl_core::spike_stall_cycles() const { return model_->top->spike_stall_cycles; }
std::uint32_t rtl_core::step_number() const { return model_->top->step_number; }

void rtl_core::set_spike_ready(std::function<bool(std::uint64_t cycle)> ready) {
    spike_ready_ = std::move(ready);
}

void rtl_core::trace_to(const std::string& path, std::uint64_t from_cycle) {
    model_->top->final();
    build_model(true);
    model_->open_trace(path, from_cycle);
    cycles_ = 0;
    load();
}

} // namespace sf::emulator
