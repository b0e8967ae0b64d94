#include <cmath>

#include <sf/firmware/assert.hpp>

#include "timed_model.hpp"

// A core's work on the board model: one job at a time, received packets first (their lookup),
// then rows whose fetch is done (their words), then the tick's neuron update. A row's fetch runs
// in the chip's memory while the core goes on with other work.
namespace sf::emulator {

picoseconds timed_model::core_time(std::uint64_t cycles) const {
    return static_cast<picoseconds>(
        std::llround(static_cast<double>(cycles) * 1e12 / static_cast<double>(timing_.core_hz)));
}

void timed_model::schedule(std::size_t core, picoseconds at) { events_.push({at, order_++, core}); }

void timed_model::wake(std::size_t core, picoseconds now) {
    if (!cores_[core].busy) {
        start_job(core, now);
    }
}

void timed_model::charge(timed_core& c, std::size_t index, std::uint64_t cycles, picoseconds now) {
    c.busy = true;
    c.busy_until = now + core_time(cycles);
    c.step_cycles += cycles;
    c.traced_busy = 1;
    schedule(index, c.busy_until);
}

void timed_model::start_job(std::size_t index, picoseconds now) {
    timed_core& c = cores_[index];
    if (!c.lookups.empty()) {
        const row_job job = c.lookups.front();
        c.lookups.pop_front();
        charge(c, index, timing_.packet_cycles, now);
        start_fetch(index, job, c.busy_until);
    } else if (!c.fetched.empty() && c.fetched.front().ready <= now) {
        c.added = c.fetched.front();
        c.fetched.pop_front();
        c.adding = true;
        charge(c, index, std::uint64_t{c.added.row.count} * timing_.word_cycles, now);
    } else if (c.update_pending) {
        run_update(c, index, now);
    } else {
        c.traced_busy = 0;
        if (!c.fetched.empty()) {
            schedule(index, c.fetched.front().ready);
        }
    }
    c.traced_queue = static_cast<std::uint32_t>(c.lookups.size() + c.fetched.size());
}

void timed_model::finish_job(timed_core& c) {
    c.busy = false;
    if (c.adding) {
        c.adding = false;
        add_row(c, c.added);
    }
}

// The update's cycles, with each spike sent as its neuron's program ends.
void timed_model::run_update(timed_core& c, std::size_t index, picoseconds now) {
    c.update_pending = false;
    const std::uint64_t per_neuron =
        timing_.analog_neurons ? 0 : c.program_cycles + timing_.neuron_cycles;
    const std::uint64_t cycles = firmware::timing::step_cycles(
        timing_, c.program_cycles, c.core->neuron_count(), c.update_spikes.size());
    // A core that counts its own cycles (the RTL) takes what the timing model says, or its design
    // and the model disagree.
    SF_ASSERT(c.core->last_step_cycles() == 0 || c.core->last_step_cycles() == cycles);
    if (c.sends) {
        for (std::size_t k = 0; k < c.update_spikes.size(); ++k) {
            const std::uint16_t neuron = c.update_spikes[k];
            const std::uint64_t sent = timing_.tick_cycles + (neuron + 1u) * per_neuron +
                                       (k + 1) * std::uint64_t{timing_.spike_cycles};
            send_from_core(
                c.chip, now + core_time(sent),
                {c.key | neuron, chip_network::from_core, -1, 0, spike_serial_++, step_, 0});
        }
    }
    charge(c, index, cycles, now);
}

// A row's fetch from the chip's memory: the memory serves one fetch after another at its
// bandwidth, each arriving its latency later. A row that waits for whole steps is parked in the
// chip's memory and fetched again at the tick of its step.
void timed_model::start_fetch(std::size_t index, row_job job, picoseconds at) {
    timed_core& c = cores_[index];
    picoseconds& memory = memory_free_[c.chip];
    const double bytes = 4.0 * job.row.count;
    const auto transfer = static_cast<picoseconds>(
        std::llround(bytes * 1e12 / static_cast<double>(timing_.memory_bytes_per_second)));
    const picoseconds begin = std::max(at, memory);
    memory = begin + transfer;
    job.ready = begin + transfer + picoseconds{timing_.memory_latency_ns} * 1000;
    if (job.row.hold > 0) {
        held_.hold(job.step + job.row.hold, {index, job.row.words, job.row.count});
        return;
    }
    c.fetched.push_back(job);
    schedule(index, job.ready);
}

void timed_model::add_row(timed_core& c, const row_job& job) {
    if (step_ > job.step) {
        ++c.late_rows;
        c.late_words += job.row.count;
    }
    c.core->deliver(job.row.words, job.row.count);
}

void timed_model::deliver_row(std::size_t core, const firmware::synaptic_row& row) {
    SF_ASSERT(capture_ != nullptr);
    capture_->push_back({core, row});
}

} // namespace sf::emulator
