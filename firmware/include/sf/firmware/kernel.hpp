#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/core_config.hpp>
#include <sf/firmware/fixed.hpp>
#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/kernel_ops.hpp>
#include <sf/firmware/lanes.hpp>
#include <sf/firmware/native_step.hpp>
#include <sf/firmware/random.hpp>
#include <sf/firmware/synapse.hpp>

// The per-core kernel (docs/kernel.md): what a neuron core does every time step. It delivers
// synaptic rows into delay ring buffers and runs the core's program for every neuron, with the
// results of isa::run_program bit for bit. Freestanding: it allocates nothing (the caller gives
// one arena of words at start-up), throws nothing and reports through statuses and counters.
namespace sf::firmware {

// What a core has done since it started; nothing is clamped, dropped or faulted unseen.
struct kernel_counters {
    std::uint64_t steps = 0;
    std::uint64_t neuron_updates = 0;
    // Instructions issued: each neuron's program up to its end or its fault, whether or not an
    // instruction's predicate held (the cycles a pipelined core spends).
    std::uint64_t instructions = 0;
    std::uint64_t spikes = 0;
    std::uint64_t unreported_spikes = 0; // spikes the caller's buffer had no room for
    std::uint64_t delivered_words = 0;   // synaptic words added into a ring-buffer slot
    std::uint64_t input_overflows = 0;   // ring-buffer sums clamped to the int32 limits
    std::uint64_t dropped_words =
        0; // synaptic words naming a neuron, channel or delay the core lacks
    std::uint64_t saturations = 0;    // clamped results of the program's arithmetic
    std::uint64_t program_faults = 0; // neuron programs stopped by a fault
};

// Counters of several cores together: sums, and the most steps any of them ran.
constexpr void accumulate(kernel_counters& total, const kernel_counters& k) {
    total.steps = total.steps > k.steps ? total.steps : k.steps;
    total.neuron_updates += k.neuron_updates;
    total.instructions += k.instructions;
    total.spikes += k.spikes;
    total.unreported_spikes += k.unreported_spikes;
    total.delivered_words += k.delivered_words;
    total.input_overflows += k.input_overflows;
    total.dropped_words += k.dropped_words;
    total.saturations += k.saturations;
    total.program_faults += k.program_faults;
}

// The first program fault since start-up: the earliest step, and in it the lowest neuron.
struct fault_report {
    bool happened = false;
    std::uint32_t step = 0;
    std::uint32_t neuron = 0;
    std::uint32_t instruction = 0; // index of the word in the program
    isa::run_status status = isa::run_status::ok;
};

namespace detail {

// Where the kernel keeps what in its arena, in words from its start.
struct arena_layout {
    std::size_t ops = 0;        // op_words per instruction (at most)
    std::size_t samples = 0;    // the tables' samples, one table after another
    std::size_t state = 0;      // slot-major: slot s of neuron n at s × neurons + n
    std::size_t ring = 0;       // delay slot, then channel, then neuron
    std::size_t registers = 0;  // register-major: rk of neuron n at k × neurons + n
    std::size_t predicates = 0; // p1 to p3, predicate-major, 0 or -1
    std::size_t spikes = 0;     // per neuron, 0 or -1
    std::size_t alive = 0;      // per neuron, -1 until a fault stops its program in this step
    std::size_t routes = 0; // synapse::route_count: where each delay and channel (synapse::route)
                            // starts in a slot, or -1
    std::size_t total = 0;
};

// The layout for a config that check() accepted.
constexpr arena_layout layout_of(const core_config& config) {
    const std::size_t n = config.neuron_count;
    arena_layout at;
    at.ops = 0;
    at.samples = at.ops + op_words * config.program_length;
    std::size_t samples = 0;
    for (std::size_t t = 0; t < config.table_count; ++t) {
        samples += (std::size_t{1} << config.tables[t].log2_intervals) + 1;
    }
    at.state = at.samples + samples;
    at.ring = at.state + n * config.state_words;
    at.registers = at.ring + config.delay_slots * config.input_channels * n;
    at.predicates = at.registers + isa::register_count * n;
    at.spikes = at.predicates + (isa::predicate_count - 1) * n;
    at.alive = at.spikes + n;
    at.routes = at.alive + n;
    at.total = at.routes + synapse::route_count;
    return at;
}

} // namespace detail

// How many arena words a core with this config needs; 0 for a config that check() refuses.
constexpr std::size_t words_needed(const core_config& config) {
    return check(config) == init_status::ok ? detail::layout_of(config).total : 0;
}

class kernel {
public:
    // Checks `config` and the arena and, only if both are good, lays the core out in the arena
    // (which must not overlap the config's arrays) and starts it at step 0 with zeroed counters.
    // A refused init leaves the kernel as it was.
    init_status init(const core_config& config, std::uint32_t* arena, std::size_t arena_words) {
        const init_status status = check(config);
        if (status != init_status::ok) {
            return status;
        }
        const detail::arena_layout at = detail::layout_of(config);
        if (arena == nullptr || arena_words < at.total) {
            return init_status::arena_too_small;
        }
        // Signed and unsigned words may alias each other.
        auto* const values = reinterpret_cast<std::int32_t*>(arena);
        const std::size_t n = config.neuron_count;
        const detail::predecoded_program program = detail::predecode(config, arena + at.ops);
        std::int32_t* samples = values + at.samples;
        for (std::size_t t = 0; t < config.table_count; ++t) {
            tables_[t] = config.tables[t];
            const std::size_t count = (std::size_t{1} << tables_[t].log2_intervals) + 1;
            for (std::size_t k = 0; k < count; ++k) {
                samples[k] = config.tables[t].y[k];
            }
            tables_[t].y = samples;
            samples += count;
        }
        for (std::size_t neuron = 0; neuron < n; ++neuron) {
            for (std::size_t slot = 0; slot < config.state_words; ++slot) {
                values[at.state + slot * n + neuron] =
                    config.initial_state != nullptr
                        ? config.initial_state[neuron * config.state_words + slot]
                        : 0;
            }
        }
        fill(values + at.ring, at.alive - at.ring, 0);
        fill(values + at.alive, n, -1);

        ops_ = arena + at.ops;
        op_count_ = program.op_count;
        program_length_ = config.program_length;
        zero_registers_ = program.zero_registers;
        zero_predicates_ = program.zero_predicates;
        may_fault_ = false;
        for (std::size_t k = 0; k < op_count_; ++k) {
            may_fault_ |=
                detail::unpack(ops_ + detail::op_words * k).kind == detail::op_kind::fault;
        }
        native_ = nullptr;
        state_ = values + at.state;
        ring_ = values + at.ring;
        registers_ = values + at.registers;
        predicates_ = values + at.predicates;
        spikes_ = values + at.spikes;
        alive_ = values + at.alive;
        routes_ = values + at.routes;
        neurons_ = n;
        state_words_ = config.state_words;
        input_channels_ = config.input_channels;
        delay_slots_ = config.delay_slots;
        slot_words_ = config.input_channels * n;
        seed_ = config.seed;
        first_neuron_ = config.first_neuron;
        step_ = 0;
        route();
        any_fault_last_step_ = false;
        counters_ = kernel_counters{};
        first_fault_ = fault_report{};
        ready_ = true;
        return init_status::ok;
    }

    bool ready() const { return ready_; }

    // Adds each synaptic word's weight into the ring-buffer slot its delay names, counted from the
    // step that ran last: a row delivered after step n with delay d is read by ldin in step
    // n + d. Sums clamp to the int32 limits (counted as input overflows); a word naming a neuron
    // or channel the core lacks, or a delay beyond its slots, is counted as dropped and not
    // written.
    void deliver(const std::uint32_t* row, std::size_t words) {
        if (!ready_) {
            return;
        }
        const auto n = static_cast<std::uint32_t>(neurons_);
        const auto mask = static_cast<std::uint32_t>(delay_slots_) - 1;
        const auto slot_words = static_cast<std::uint32_t>(slot_words_);
        std::uint64_t dropped = 0;
        std::uint64_t overflows = 0;
        for (std::size_t w = 0; w < words; ++w) {
            const std::uint32_t word = row[w];
            const std::uint32_t target = synapse::target(word);
            const std::int32_t channel_offset = routes_[synapse::route(word)];
            if ((channel_offset < 0) | (target >= n)) {
                ++dropped;
                continue;
            }
            const std::uint32_t slot = (step_ + synapse::delay(word)) & mask;
            std::int32_t& sum =
                ring_[slot * slot_words + static_cast<std::uint32_t>(channel_offset) + target];
            const std::int64_t wide = std::int64_t{sum} + synapse::weight(word);
            if (static_cast<std::uint64_t>(wide + 0x80000000LL) >
                0xFFFFFFFFu) { // rare: past an int32 limit
                ++overflows;
                sum = static_cast<std::int32_t>(detail::clamp_to_int32(wide));
                continue;
            }
            sum = static_cast<std::int32_t>(wide);
        }
        counters_.delivered_words += words - dropped;
        counters_.dropped_words += dropped;
        counters_.input_overflows += overflows;
    }

    // Computes the next time step: every neuron's program with this step's slot as its input,
    // then clears the slot. Writes the indices of the neurons that spiked, in increasing order,
    // to `spiked` (at most `capacity` of them; the rest are counted as unreported) and returns how
    // many it wrote.
    std::size_t step(std::uint16_t* spiked, std::size_t capacity) {
        if (!ready_) {
            return 0;
        }
        ++step_;
        step_tally tally;
        std::int32_t* input = nullptr;
        if (native_ != nullptr) {
            // Registers and predicates live in the native code: nothing to clear, and with no
            // fault op no neuron is ever stopped.
            input = ring_slot();
            const native_frame frame{
                state_, input, spikes_,      static_cast<std::uint32_t>(neurons_),
                step_,  seed_, first_neuron_};
            tally.saturations = native_(&frame);
        } else {
            input = begin_step();
            for (std::size_t k = 0; k < op_count_; ++k) {
                execute(detail::unpack(ops_ + detail::op_words * k), input, tally);
            }
        }
        fill(input, slot_words_, 0);
        const std::size_t written = collect_spikes(spiked, capacity, tally);
        finish_step(tally, written);
        return written;
    }

    // Whether some instruction of the program is one the core cannot serve (a fault op): such a
    // program only runs on the kernel, which stops each neuron that reaches the fault.
    bool may_fault() const { return may_fault_; }

    // Runs the program through `code` instead of the op loop from the next step on (null: the op
    // loop again). `code` must compute what the ops compute; it is refused (false) for a program
    // that may fault or a kernel that is not ready.
    bool use_native(native_step code) {
        if (!ready_ || (may_fault_ && code != nullptr)) {
            return false;
        }
        native_ = code;
        return true;
    }
    bool runs_native() const { return native_ != nullptr; }

    // The number of the step computed last: 0 before the first step, which is 1.
    std::uint32_t step_number() const { return step_; }
    std::size_t neuron_count() const { return neurons_; }
    std::size_t state_words() const { return state_words_; }
    std::size_t input_channels() const { return input_channels_; }
    std::size_t delay_slots() const { return delay_slots_; }

    // A state word; 0 for a neuron or slot the core does not have.
    std::int32_t state(std::size_t neuron, std::size_t slot) const {
        return neuron < neurons_ && slot < state_words_ ? state_[slot * neurons_ + neuron] : 0;
    }
    // State word `slot` of every neuron, neuron_count() words in neuron order (what a recorder
    // reads each step); null for a slot the core does not have.
    const std::int32_t* state_slot(std::size_t slot) const {
        return slot < state_words_ ? state_ + slot * neurons_ : nullptr;
    }
    // Writes a state word between steps; false (and nothing written) for a neuron or slot the core
    // does not have.
    bool store_state(std::size_t neuron, std::size_t slot, std::int32_t value) {
        if (neuron >= neurons_ || slot >= state_words_) {
            return false;
        }
        state_[slot * neurons_ + neuron] = value;
        return true;
    }

    const kernel_counters& counters() const { return counters_; }
    const fault_report& first_fault() const { return first_fault_; }

private:
    // What one step's ops did, counted as they run and added to the counters once at its end.
    struct step_tally {
        bool any_fault = false;
        bool fault_reported_now = false;
        std::uint64_t saturations = 0;
        std::uint64_t faults = 0;
        std::uint64_t unissued = 0; // instructions after a fault
        std::uint64_t spikes = 0;
    };

    // Registers and predicates the program reads before writing start at zero, and neurons stopped
    // by a fault in the last step run again; returns this step's ring slot.
    std::int32_t* begin_step() {
        const std::size_t n = neurons_;
        for (int k = 0; k < isa::register_count; ++k) {
            if ((zero_registers_ >> k & 1u) != 0) {
                fill(reg(static_cast<std::uint8_t>(k)), n, 0);
            }
        }
        for (int p = 1; p < isa::predicate_count; ++p) {
            if ((zero_predicates_ >> p & 1u) != 0) {
                fill(pred(static_cast<std::uint8_t>(p)), n, 0);
            }
        }
        if (any_fault_last_step_) {
            fill(alive_, n, -1);
        }
        return ring_slot();
    }

    std::int32_t* ring_slot() const {
        return ring_ + (step_ & (static_cast<std::uint32_t>(delay_slots_) - 1)) * slot_words_;
    }

    // The neurons an op takes effect for: those whose guard holds and that have not faulted.
    [[gnu::always_inline]] detail::lanes lanes_of(const detail::op& o, bool any_fault) const {
        detail::lanes where;
        if (o.guard != 0) {
            where.guard = pred(static_cast<std::uint8_t>(o.guard & 3u));
            where.flip = (o.guard & 4u) != 0 ? -1 : 0;
            where.alive = alive_;
        } else if (any_fault) {
            where.guard = alive_;
            where.alive = alive_;
        }
        return where;
    }

    // The phases of a step are inlined into it: a call per op and core would cost as much as a
    // short op's work.

    // One op over every neuron of the core.
    [[gnu::always_inline]] void execute(const detail::op& o, const std::int32_t* input,
                                        step_tally& tally) {
        const detail::lanes where = lanes_of(o, tally.any_fault);
        switch (o.kind) {
        case detail::op_kind::load:
        case detail::op_kind::step_number:
        case detail::op_kind::random:
        case detail::op_kind::load_state:
        case detail::op_kind::store_state:
        case detail::op_kind::load_input: move(o, where, input); break;
        case detail::op_kind::add:
        case detail::op_kind::sub:
        case detail::op_kind::mul:
        case detail::op_kind::shl:
        case detail::op_kind::shr:
        case detail::op_kind::min:
        case detail::op_kind::max: tally.saturations += arithmetic(o, where); break;
        case detail::op_kind::cmpgt:
        case detail::op_kind::cmpge:
        case detail::op_kind::cmpeq:
        case detail::op_kind::sel: compare(o, where); break;
        case detail::op_kind::lut: tally.saturations += look_up(o, where); break;
        case detail::op_kind::spike:
            detail::put(spikes_, where, neurons_, [](std::size_t) { return -1; });
            break;
        case detail::op_kind::fault: fault(o, where, tally); break;
        }
    }

    // Loads and stores: immediates, the step number, random numbers, state words and inputs.
    [[gnu::always_inline]] void move(const detail::op& o, const detail::lanes& where,
                                     const std::int32_t* input) {
        const std::size_t n = neurons_;
        std::int32_t* const d = reg(o.rd);
        const std::uint32_t arg = o.arg;
        switch (o.kind) {
        case detail::op_kind::load: {
            const std::int32_t value = isa::detail::as_signed(arg);
            detail::put(d, where, n, [&](std::size_t) { return value; });
            break;
        }
        case detail::op_kind::step_number: {
            const std::int32_t step_value = isa::detail::as_signed(step_);
            detail::put(d, where, n, [&](std::size_t) { return step_value; });
            break;
        }
        case detail::op_kind::random:
            detail::put(d, where, n, [&](std::size_t i) {
                return isa::random_fraction(seed_, first_neuron_ + static_cast<std::uint32_t>(i),
                                            step_, arg);
            });
            break;
        case detail::op_kind::load_state: {
            const std::int32_t* const slot = state_ + arg * n;
            detail::put(d, where, n, [&](std::size_t i) { return slot[i]; });
            break;
        }
        case detail::op_kind::store_state: {
            const std::int32_t* const a = reg(o.ra);
            detail::put(state_ + arg * n, where, n, [&](std::size_t i) { return a[i]; });
            break;
        }
        default: {
            const std::int32_t* const channel = input + arg * n;
            detail::put(d, where, n, [&](std::size_t i) { return channel[i]; });
            break;
        }
        }
    }

    // Saturating arithmetic, shifts, min and max; returns how many results were clamped.
    [[gnu::always_inline]] std::uint64_t arithmetic(const detail::op& o,
                                                    const detail::lanes& where) {
        const std::size_t n = neurons_;
        std::int32_t* const d = reg(o.rd);
        const std::int32_t* const a = reg(o.ra);
        const std::int32_t* const b = reg(o.rb);
        const int shift = static_cast<int>(o.arg);
        switch (o.kind) {
        case detail::op_kind::add:
            return detail::put_counted(d, where, n, [&](std::size_t i, std::uint32_t& clamped) {
                return detail::add_saturated(a[i], b[i], clamped);
            });
        case detail::op_kind::sub:
            return detail::put_counted(d, where, n, [&](std::size_t i, std::uint32_t& clamped) {
                return detail::sub_saturated(a[i], b[i], clamped);
            });
        case detail::op_kind::mul:
            return detail::put_clamped(d, where, n, [&](std::size_t i) {
                return firmware::detail::shift_right_rounded(std::int64_t{a[i]} * b[i], shift);
            });
        case detail::op_kind::shl:
            return detail::put_counted(d, where, n, [&](std::size_t i, std::uint32_t& clamped) {
                return detail::shl_saturated(a[i], shift, clamped);
            });
        case detail::op_kind::shr:
            if (shift == 0) {
                detail::put(d, where, n, [&](std::size_t i) { return a[i]; });
            } else {
                detail::put(d, where, n,
                            [&](std::size_t i) { return detail::shr_rounded(a[i], shift); });
            }
            return 0;
        case detail::op_kind::min:
            detail::put(d, where, n, [&](std::size_t i) { return a[i] < b[i] ? a[i] : b[i]; });
            return 0;
        default:
            detail::put(d, where, n, [&](std::size_t i) { return a[i] > b[i] ? a[i] : b[i]; });
            return 0;
        }
    }

    // Comparisons into predicates, and selection on one.
    [[gnu::always_inline]] void compare(const detail::op& o, const detail::lanes& where) {
        const std::size_t n = neurons_;
        const std::int32_t* const a = reg(o.ra);
        const std::int32_t* const b = reg(o.rb);
        switch (o.kind) {
        case detail::op_kind::cmpgt:
            detail::put(pred(o.rd), where, n, [&](std::size_t i) { return a[i] > b[i] ? -1 : 0; });
            break;
        case detail::op_kind::cmpge:
            detail::put(pred(o.rd), where, n, [&](std::size_t i) { return a[i] >= b[i] ? -1 : 0; });
            break;
        case detail::op_kind::cmpeq:
            detail::put(pred(o.rd), where, n, [&](std::size_t i) { return a[i] == b[i] ? -1 : 0; });
            break;
        default: {
            const std::int32_t* const select = pred(static_cast<std::uint8_t>(o.arg));
            detail::put(reg(o.rd), where, n,
                        [&](std::size_t i) { return (a[i] & select[i]) | (b[i] & ~select[i]); });
            break;
        }
        }
    }

    // Table interpolation gathers from the table, so this loop branches on the guard rather than
    // computing every neuron and masking. Returns how many results were clamped.
    std::uint64_t look_up(const detail::op& o, const detail::lanes& where) {
        const isa::lookup_table& table = tables_[o.arg];
        std::int32_t* const d = reg(o.rd);
        const std::int32_t* const a = reg(o.ra);
        saturation_count count;
        for (std::size_t i = 0; i < neurons_; ++i) {
            if (where.guard == nullptr || where.mask(i) != 0) {
                d[i] = isa::detail::look_up(table, a[i], count);
            }
        }
        return count.events;
    }

    // An access the core cannot serve stops the program of every neuron that reaches it; the
    // first such fault since start-up is kept (earliest step, lowest neuron).
    void fault(const detail::op& o, const detail::lanes& where, step_tally& tally) {
        for (std::size_t i = 0; i < neurons_; ++i) {
            if (where.guard != nullptr && where.mask(i) == 0) {
                continue;
            }
            alive_[i] = 0;
            tally.any_fault = true;
            ++tally.faults;
            tally.unissued += program_length_ - o.arg - 1;
            if (!first_fault_.happened || (tally.fault_reported_now && i < first_fault_.neuron)) {
                first_fault_ = {true, step_, static_cast<std::uint32_t>(i), o.arg,
                                static_cast<isa::run_status>(o.rd)};
                tally.fault_reported_now = true;
            }
        }
    }

    // The neurons that spiked, written in increasing order up to `capacity`; their flags cleared.
    std::size_t collect_spikes(std::uint16_t* spiked, std::size_t capacity, step_tally& tally) {
        const std::size_t n = neurons_;
        std::size_t written = 0;
        std::int32_t any_spike = 0; // most steps have no spike: one vectorised pass tells
        for (std::size_t i = 0; i < n; ++i) {
            any_spike |= spikes_[i];
        }
        for (std::size_t i = 0; any_spike != 0 && i < n; ++i) {
            if (spikes_[i] == 0) {
                continue;
            }
            spikes_[i] = 0;
            ++tally.spikes;
            if (written < capacity) {
                spiked[written++] = static_cast<std::uint16_t>(i);
            }
        }
        return written;
    }

    void finish_step(const step_tally& tally, std::size_t written) {
        any_fault_last_step_ = tally.any_fault;
        counters_.steps += 1;
        counters_.neuron_updates += neurons_;
        counters_.instructions += std::uint64_t{neurons_} * program_length_ - tally.unissued;
        counters_.spikes += tally.spikes;
        counters_.unreported_spikes += tally.spikes - written;
        counters_.saturations += tally.saturations;
        counters_.program_faults += tally.faults;
    }

    static void fill(std::int32_t* words, std::size_t count, std::int32_t value) {
        for (std::size_t w = 0; w < count; ++w) {
            words[w] = value;
        }
    }
    // Whether each delay and channel (synapse::route) is one the core has, and if so where the
    // channel's sums start within a ring slot: one table lookup per synaptic word instead of two
    // range checks and an address computation.
    void route() {
        for (std::uint32_t r = 0; r < synapse::route_count; ++r) {
            routes_[r] = synapse::route_delay(r) <= delay_slots_ &&
                                 synapse::route_channel(r) < input_channels_
                             ? static_cast<std::int32_t>(synapse::route_channel(r) * neurons_)
                             : -1;
        }
    }
    std::int32_t* reg(std::uint8_t k) const { return registers_ + std::size_t{k} * neurons_; }
    // p1 to p3; p0 is never stored (an unguarded op has no mask).
    std::int32_t* pred(std::uint8_t p) const {
        return predicates_ + (std::size_t{p} - 1) * neurons_;
    }

    const std::uint32_t* ops_ = nullptr;
    std::size_t op_count_ = 0;
    std::size_t program_length_ = 0;
    std::uint32_t zero_registers_ = 0;
    std::uint32_t zero_predicates_ = 0;
    bool may_fault_ = false;
    native_step native_ = nullptr;
    isa::lookup_table tables_[max_tables] = {};
    std::int32_t* state_ = nullptr;
    std::int32_t* ring_ = nullptr;
    std::int32_t* registers_ = nullptr;
    std::int32_t* predicates_ = nullptr;
    std::int32_t* spikes_ = nullptr;
    std::int32_t* alive_ = nullptr;
    std::int32_t* routes_ = nullptr;
    std::size_t neurons_ = 0;
    std::size_t state_words_ = 0;
    std::size_t input_channels_ = 0;
    std::size_t delay_slots_ = 1;
    std::size_t slot_words_ = 0;
    std::uint32_t seed_ = 0;
    std::uint32_t first_neuron_ = 0;
    std::uint32_t step_ = 0;
    bool any_fault_last_step_ = false;
    kernel_counters counters_;
    fault_report first_fault_;
    bool ready_ = false;
};

} // namespace sf::firmware
