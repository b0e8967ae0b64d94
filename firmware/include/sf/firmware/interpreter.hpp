#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include <sf/firmware/fixed.hpp>
#include <sf/firmware/isa.hpp>
#include <sf/firmware/random.hpp>

// The reference semantics of the instruction set (docs/isa.md): one neuron's program run
// instruction by instruction. Every other executor of the instruction set is tested against it.
namespace sf::firmware::isa {

// The limits of a table's descriptor. They keep the interpolation within 64 bits: the span
// 2^(log2_intervals + step) and the product of a sample difference (33 bits) and a fraction
// (step bits) both fit.
constexpr int max_table_step = 30;
constexpr int max_table_log2_intervals = 16;

// Table t of docs/isa.md: 2^log2_intervals + 1 samples y at x0 + i * 2^step.
struct lookup_table {
    std::int32_t x0 = 0;
    std::uint8_t step = 0;           // 0 to 30
    std::uint8_t log2_intervals = 0; // 0 to 16
    const std::int32_t* y = nullptr;
};

// Whether a descriptor is within the documented limits and has samples.
constexpr bool within_limits(const lookup_table& table) {
    return table.step <= max_table_step && table.log2_intervals <= max_table_log2_intervals &&
           table.y != nullptr;
}

// The memories one program run sees: this neuron's state and inputs, the core's constants and
// tables, and where the run is (step, neuron, seed: what `ldt` and `rand` read). Sizes are what
// the core has; an access beyond them stops the run.
struct neuron_memory {
    std::int32_t* state = nullptr;
    std::size_t state_words = 0;
    const std::int32_t* constants = nullptr;
    std::size_t constant_words = 0;
    const std::int32_t* inputs = nullptr;
    std::size_t input_channels = 0;
    const lookup_table* tables = nullptr;
    std::size_t table_count = 0;
    std::uint32_t step = 0;   // the time step being computed; the first step of a run is 1
    std::uint32_t neuron = 0; // this neuron's index in its core
    std::uint32_t seed = 0;   // the core's random seed
};

enum class run_status : std::uint8_t {
    ok,
    bad_instruction,       // a word that does not decode
    state_out_of_range,    // lds/sts beyond the neuron's state words
    constant_out_of_range, // ldc beyond the core's constants
    input_out_of_range,    // ldin beyond the synaptic input channels
    table_out_of_range,    // lut of a table the core does not have
    bad_table,             // lut of a table outside the descriptor limits or without samples
};

constexpr const char* describe(run_status status) {
    switch (status) {
    case run_status::ok: return "ran to the end";
    case run_status::bad_instruction: return "a word that is not an instruction";
    case run_status::state_out_of_range: return "a state slot beyond the neuron's state words";
    case run_status::constant_out_of_range: return "a constant beyond the core's constants";
    case run_status::input_out_of_range: return "an input channel beyond the neuron's channels";
    case run_status::table_out_of_range: return "a table the core does not have";
    case run_status::bad_table: return "a table descriptor outside the limits";
    }
    return "?";
}

struct run_result {
    run_status status = run_status::ok;
    std::size_t failed_at = 0; // the instruction that stopped the run
    bool spiked = false;
};

namespace detail {

// The two's-complement reading of a word, without relying on implementation-defined conversions.
constexpr std::int32_t as_signed(std::uint32_t word) {
    return static_cast<std::int32_t>(word & 0x7FFFFFFFu) +
           ((word >> 31) != 0 ? std::numeric_limits<std::int32_t>::min() : 0);
}

constexpr std::int32_t clamp32(std::int64_t value, saturation_count& count) {
    return firmware::detail::clamp_to<fixed<std::int32_t, 0>>(value, count).raw();
}

constexpr std::int32_t look_up(const lookup_table& table, std::int32_t x, saturation_count& count) {
    const std::int64_t span = std::int64_t{1} << (table.log2_intervals + table.step);
    std::int64_t d = std::int64_t{x} - table.x0;
    if (d < 0 || d > span) {
        ++count.events;
        d = d < 0 ? 0 : span;
    }
    const std::int64_t last = (std::int64_t{1} << table.log2_intervals) - 1;
    const std::int64_t below = d >> table.step;
    const std::int64_t i = below < last ? below : last;
    const std::int64_t f = d - (i << table.step);
    const std::int64_t y0 = table.y[i];
    const std::int64_t rise = std::int64_t{table.y[i + 1]} - y0;
    return clamp32(y0 + firmware::detail::shift_right_rounded(rise * f, table.step), count);
}

// The instructions that read or write a memory of the core: ok, or why the access cannot be
// served.
inline run_status access_memory(const instruction& i, std::int32_t* r, const neuron_memory& memory,
                                saturation_count& saturations) {
    switch (i.op) {
    case opcode::ldc:
        if (i.index >= memory.constant_words) {
            return run_status::constant_out_of_range;
        }
        r[i.rd] = memory.constants[i.index];
        return run_status::ok;
    case opcode::lds:
    case opcode::sts:
        if (i.index >= memory.state_words) {
            return run_status::state_out_of_range;
        }
        if (i.op == opcode::lds) {
            r[i.rd] = memory.state[i.index];
        } else {
            memory.state[i.index] = r[i.ra];
        }
        return run_status::ok;
    case opcode::ldin:
        if (i.index >= memory.input_channels) {
            return run_status::input_out_of_range;
        }
        r[i.rd] = memory.inputs[i.index];
        return run_status::ok;
    default:
        if (i.index >= memory.table_count) {
            return run_status::table_out_of_range;
        }
        if (!within_limits(memory.tables[i.index])) {
            return run_status::bad_table;
        }
        r[i.rd] = look_up(memory.tables[i.index], r[i.ra], saturations);
        return run_status::ok;
    }
}

} // namespace detail

// Runs `length` instruction words for one neuron. Registers and p1-p3 start at zero. Clamped
// results are counted in `saturations`.
inline run_result run_program(const std::uint32_t* program, std::size_t length,
                              const neuron_memory& memory, saturation_count& saturations) {
    std::int32_t r[register_count] = {};
    bool p[predicate_count] = {true, false, false, false};
    run_result result;
    auto stop = [&](run_status status, std::size_t at) {
        result.status = status;
        result.failed_at = at;
        return result;
    };
    for (std::size_t at = 0; at < length; ++at) {
        instruction i;
        if (decode(program[at], i) != decode_status::ok) {
            return stop(run_status::bad_instruction, at);
        }
        if (p[i.predicate] == i.negate) {
            continue;
        }
        const std::int64_t a = r[i.ra];
        const std::int64_t b = r[i.rb];
        switch (i.op) {
        case opcode::nop: break;
        case opcode::li: r[i.rd] = i.immediate; break;
        case opcode::ldc:
        case opcode::lds:
        case opcode::sts:
        case opcode::ldin:
        case opcode::lut:
            if (const run_status status = detail::access_memory(i, r, memory, saturations);
                status != run_status::ok) {
                return stop(status, at);
            }
            break;
        case opcode::add: r[i.rd] = detail::clamp32(a + b, saturations); break;
        case opcode::sub: r[i.rd] = detail::clamp32(a - b, saturations); break;
        case opcode::mul:
            r[i.rd] =
                detail::clamp32(firmware::detail::shift_right_rounded(a * b, i.index), saturations);
            break;
        case opcode::shl:
            r[i.rd] =
                detail::clamp32(firmware::detail::shift_left_clamped(a, i.index), saturations);
            break;
        case opcode::shr:
            r[i.rd] = static_cast<std::int32_t>(firmware::detail::shift_right_rounded(a, i.index));
            break;
        case opcode::min: r[i.rd] = static_cast<std::int32_t>(a < b ? a : b); break;
        case opcode::max: r[i.rd] = static_cast<std::int32_t>(a > b ? a : b); break;
        case opcode::cmpgt: p[i.rd] = a > b; break;
        case opcode::cmpge: p[i.rd] = a >= b; break;
        case opcode::cmpeq: p[i.rd] = a == b; break;
        case opcode::sel: r[i.rd] = p[i.pd] ? r[i.ra] : r[i.rb]; break;
        case opcode::spike: result.spiked = true; break;
        case opcode::ldt: r[i.rd] = detail::as_signed(memory.step); break;
        case opcode::rand:
            r[i.rd] = random_fraction(memory.seed, memory.neuron, memory.step, i.index);
            break;
        }
    }
    return result;
}

} // namespace sf::firmware::isa
