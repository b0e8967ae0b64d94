#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/fixed.hpp>
#include <sf/firmware/isa.hpp>

// The reference semantics of the instruction set (docs/isa.md): one neuron's program run
// instruction by instruction. Every other executor of the instruction set is tested against it.
namespace sf::firmware::isa {

// Table t of docs/isa.md: 2^log2_intervals + 1 samples y at x0 + i * 2^step.
struct lookup_table {
    std::int32_t x0 = 0;
    std::uint8_t step = 0;           // 0 to 30
    std::uint8_t log2_intervals = 0; // 0 to 16
    const std::int32_t* y = nullptr;
};

// The memories one program run sees: this neuron's state and inputs, the core's constants and
// tables. Sizes are what the core has; an access beyond them stops the run.
struct neuron_memory {
    std::int32_t* state = nullptr;
    std::size_t state_words = 0;
    const std::int32_t* constants = nullptr;
    std::size_t constant_words = 0;
    const std::int32_t* inputs = nullptr;
    std::size_t input_channels = 0;
    const lookup_table* tables = nullptr;
    std::size_t table_count = 0;
};

enum class run_status : std::uint8_t {
    ok,
    bad_instruction,       // a word that does not decode
    state_out_of_range,    // lds/sts beyond the neuron's state words
    constant_out_of_range, // ldc beyond the core's constants
    input_out_of_range,    // ldin beyond the synaptic input channels
    table_out_of_range,    // lut of a table the core does not have
};

struct run_result {
    run_status status = run_status::ok;
    std::size_t failed_at = 0; // the instruction that stopped the run
    bool spiked = false;
};

namespace detail {

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

} // namespace detail

// Runs `length` instruction words for one neuron. Registers and p1-p3 start at zero. Clamped
// results are counted in `saturations`.
inline run_result run_program(const std::uint32_t* program, std::size_t length, const neuron_memory& memory,
                              saturation_count& saturations) {
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
            if (i.index >= memory.constant_words) {
                return stop(run_status::constant_out_of_range, at);
            }
            r[i.rd] = memory.constants[i.index];
            break;
        case opcode::lds:
            if (i.index >= memory.state_words) {
                return stop(run_status::state_out_of_range, at);
            }
            r[i.rd] = memory.state[i.index];
            break;
        case opcode::sts:
            if (i.index >= memory.state_words) {
                return stop(run_status::state_out_of_range, at);
            }
            memory.state[i.index] = r[i.ra];
            break;
        case opcode::ldin:
            if (i.index >= memory.input_channels) {
                return stop(run_status::input_out_of_range, at);
            }
            r[i.rd] = memory.inputs[i.index];
            break;
        case opcode::add: r[i.rd] = detail::clamp32(a + b, saturations); break;
        case opcode::sub: r[i.rd] = detail::clamp32(a - b, saturations); break;
        case opcode::mul:
            r[i.rd] = detail::clamp32(firmware::detail::shift_right_rounded(a * b, i.index), saturations);
            break;
        case opcode::shl:
            r[i.rd] = detail::clamp32(firmware::detail::shift_left_clamped(a, i.index), saturations);
            break;
        case opcode::shr: r[i.rd] = static_cast<std::int32_t>(firmware::detail::shift_right_rounded(a, i.index)); break;
        case opcode::min: r[i.rd] = static_cast<std::int32_t>(a < b ? a : b); break;
        case opcode::max: r[i.rd] = static_cast<std::int32_t>(a > b ? a : b); break;
        case opcode::cmpgt: p[i.rd] = a > b; break;
        case opcode::cmpge: p[i.rd] = a >= b; break;
        case opcode::cmpeq: p[i.rd] = a == b; break;
        case opcode::sel: r[i.rd] = p[i.pd] ? r[i.ra] : r[i.rb]; break;
        case opcode::lut:
            if (i.index >= memory.table_count) {
                return stop(run_status::table_out_of_range, at);
            }
            r[i.rd] = detail::look_up(memory.tables[i.index], r[i.ra], saturations);
            break;
        case opcode::spike: result.spiked = true; break;
        }
    }
    return result;
}

} // namespace sf::firmware::isa
