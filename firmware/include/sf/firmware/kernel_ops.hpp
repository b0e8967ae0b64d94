#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/core_config.hpp>
#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/isa.hpp>

// The kernel's pre-decoded program (docs/kernel.md): each instruction word decoded once at
// start-up into an op whose operands are resolved against this core's sizes, so that the time
// step only dispatches. Internal to the kernel; the instruction words stay the contract.
namespace sf::firmware::detail {

enum class op_kind : std::uint8_t {
    load,        // rd = arg: li's immediate, or the constant ldc names
    step_number, // ldt
    random,      // rand; arg = its draw number
    load_state,  // lds; arg = slot
    store_state, // sts; arg = slot
    load_input,  // ldin; arg = channel
    add,
    sub,
    mul, // arg = shift
    shl, // arg = shift
    shr, // arg = shift
    min,
    max,
    cmpgt, // rd = the predicate written
    cmpge,
    cmpeq,
    sel, // arg = the predicate selected on
    lut, // arg = table
    spike,
    fault, // an access the core cannot serve: rd = the run_status, arg = the instruction index
};

// Two words per op. Word 0: kind (bits 7-0), rd (11-8), ra (15-12), rb (19-16), guard (22-20);
// word 1: the argument. The guard is the predicate (bits 1-0) and its negation (bit 2); 0 means
// always, and `(!p0)` instructions, which never run, are left out like nops.
constexpr std::size_t op_words = 2;

struct op {
    op_kind kind = op_kind::load;
    std::uint8_t rd = 0;
    std::uint8_t ra = 0;
    std::uint8_t rb = 0;
    std::uint8_t guard = 0;
    std::uint32_t arg = 0;
};

constexpr void pack(const op& o, std::uint32_t* out) {
    out[0] = std::uint32_t{static_cast<std::uint8_t>(o.kind)} | std::uint32_t{o.rd} << 8 |
             std::uint32_t{o.ra} << 12 | std::uint32_t{o.rb} << 16 | std::uint32_t{o.guard} << 20;
    out[1] = o.arg;
}

constexpr op unpack(const std::uint32_t* in) {
    op o;
    o.kind = static_cast<op_kind>(in[0] & 0xFFu);
    o.rd = static_cast<std::uint8_t>((in[0] >> 8) & 0xFu);
    o.ra = static_cast<std::uint8_t>((in[0] >> 12) & 0xFu);
    o.rb = static_cast<std::uint8_t>((in[0] >> 16) & 0xFu);
    o.guard = static_cast<std::uint8_t>((in[0] >> 20) & 0x7u);
    o.arg = in[1];
    return o;
}

// The op an instruction becomes when the core can serve it.
constexpr op_kind kind_of(isa::opcode op) {
    switch (op) {
    case isa::opcode::nop: return op_kind::load; // left out before it gets here
    case isa::opcode::li: return op_kind::load;
    case isa::opcode::ldc: return op_kind::load;
    case isa::opcode::lds: return op_kind::load_state;
    case isa::opcode::sts: return op_kind::store_state;
    case isa::opcode::ldin: return op_kind::load_input;
    case isa::opcode::add: return op_kind::add;
    case isa::opcode::sub: return op_kind::sub;
    case isa::opcode::mul: return op_kind::mul;
    case isa::opcode::shl: return op_kind::shl;
    case isa::opcode::shr: return op_kind::shr;
    case isa::opcode::min: return op_kind::min;
    case isa::opcode::max: return op_kind::max;
    case isa::opcode::cmpgt: return op_kind::cmpgt;
    case isa::opcode::cmpge: return op_kind::cmpge;
    case isa::opcode::cmpeq: return op_kind::cmpeq;
    case isa::opcode::sel: return op_kind::sel;
    case isa::opcode::lut: return op_kind::lut;
    case isa::opcode::spike: return op_kind::spike;
    case isa::opcode::ldt: return op_kind::step_number;
    case isa::opcode::rand: return op_kind::random;
    }
    return op_kind::load;
}

// Why a memory access of `i` cannot be served by a core of `config`, or ok.
constexpr isa::run_status unserved(const isa::instruction& i, const core_config& config) {
    switch (i.op) {
    case isa::opcode::ldc:
        return i.index < config.constant_count ? isa::run_status::ok
                                               : isa::run_status::constant_out_of_range;
    case isa::opcode::lds:
    case isa::opcode::sts:
        return i.index < config.state_words ? isa::run_status::ok
                                            : isa::run_status::state_out_of_range;
    case isa::opcode::ldin:
        return i.index < config.input_channels ? isa::run_status::ok
                                               : isa::run_status::input_out_of_range;
    case isa::opcode::lut:
        return i.index < config.table_count ? isa::run_status::ok
                                            : isa::run_status::table_out_of_range;
    default: return isa::run_status::ok;
    }
}

struct predecoded_program {
    std::size_t op_count = 0;
    // Registers and predicates a neuron's program may read before it has surely written them
    // (bit n for rn or pn): only these are cleared before each step, the others need not be.
    std::uint32_t zero_registers = 0;
    std::uint32_t zero_predicates = 0;
};

// Translates the program of a config that check() accepted into ops at `out`, which has room for
// op_words × program_length words.
inline predecoded_program predecode(const core_config& config, std::uint32_t* out) {
    using isa::operand_form;
    predecoded_program result;
    std::uint32_t written_registers = 0;
    std::uint32_t written_predicates = 0;
    auto read_register = [&](std::uint8_t r) {
        if ((written_registers >> r & 1u) == 0) {
            result.zero_registers |= 1u << r;
        }
    };
    auto read_predicate = [&](std::uint8_t p) {
        if (p != 0 && (written_predicates >> p & 1u) == 0) {
            result.zero_predicates |= 1u << p;
        }
    };
    for (std::size_t at = 0; at < config.program_length; ++at) {
        isa::instruction i;
        isa::decode(config.program[at], i); // check() refused every word that does not decode
        if (i.op == isa::opcode::nop || (i.predicate == 0 && i.negate)) {
            continue;
        }
        op o;
        o.guard = static_cast<std::uint8_t>(i.predicate | (i.negate ? 4u : 0u));
        read_predicate(i.predicate);
        const bool guarded = o.guard != 0;
        const isa::run_status status = unserved(i, config);
        if (status != isa::run_status::ok) {
            o.kind = op_kind::fault;
            o.rd = static_cast<std::uint8_t>(status);
            o.arg = static_cast<std::uint32_t>(at);
            pack(o, out + op_words * result.op_count++);
            continue;
        }
        o.kind = kind_of(i.op);
        o.rd = i.rd;
        o.ra = i.ra;
        o.rb = i.rb;
        switch (i.op) {
        case isa::opcode::li: o.arg = static_cast<std::uint32_t>(i.immediate); break;
        case isa::opcode::ldc: o.arg = static_cast<std::uint32_t>(config.constants[i.index]); break;
        case isa::opcode::sel: o.arg = i.pd; break;
        case isa::opcode::rand: o.arg = i.index; break;
        default: o.arg = i.index; break;
        }
        const operand_form form = isa::info(i.op).form;
        const bool reads_a = form == operand_form::index_ra || form == operand_form::rd_ra_rb ||
                             form == operand_form::rd_ra_rb_sh || form == operand_form::rd_ra_sh ||
                             form == operand_form::pd_ra_rb || form == operand_form::rd_pd_ra_rb ||
                             form == operand_form::rd_ra_table;
        const bool reads_b = form == operand_form::rd_ra_rb || form == operand_form::rd_ra_rb_sh ||
                             form == operand_form::pd_ra_rb || form == operand_form::rd_pd_ra_rb;
        if (reads_a) {
            read_register(o.ra);
        }
        if (reads_b) {
            read_register(o.rb);
        }
        if (form == operand_form::rd_pd_ra_rb) {
            read_predicate(i.pd);
        }
        // A write under a guard keeps the old value where the guard is false: a read of it.
        if (form == operand_form::pd_ra_rb) {
            if (guarded) {
                read_predicate(o.rd);
            } else {
                written_predicates |= 1u << o.rd;
            }
        } else if (form != operand_form::none && form != operand_form::index_ra) {
            if (guarded) {
                read_register(o.rd);
            } else {
                written_registers |= 1u << o.rd;
            }
        }
        pack(o, out + op_words * result.op_count++);
    }
    return result;
}

} // namespace sf::firmware::detail
