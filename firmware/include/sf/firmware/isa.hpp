#pragma once

#include <cstdint>

// The neuron-core instruction set: instructions and their 32-bit encoding (docs/isa.md).
namespace sf::firmware::isa {

constexpr int register_count = 16;
constexpr int predicate_count = 4;
constexpr int max_state_slot = 1023;
constexpr int max_constant = 1023;
constexpr int max_input_channel = 15;
constexpr int max_table = 15;
constexpr int max_multiply_shift = 63;
constexpr int max_shift = 31;
constexpr int max_draw = 2047; // rand's draw number
constexpr std::int32_t min_immediate = -(1 << 18);
constexpr std::int32_t max_immediate = (1 << 18) - 1;

enum class opcode : std::uint8_t {
    nop = 0,
    li = 1,
    ldc = 2,
    lds = 3,
    sts = 4,
    ldin = 5,
    add = 6,
    sub = 7,
    mul = 8,
    shl = 9,
    shr = 10,
    min = 11,
    max = 12,
    cmpgt = 13,
    cmpge = 14,
    cmpeq = 15,
    sel = 16,
    lut = 17,
    spike = 18,
    ldt = 19,
    rand = 20,
};
constexpr int opcode_count = 21;

// The operands an opcode uses; every other field of its encoding must be zero.
enum class operand_form : std::uint8_t {
    none,         // nop, spike
    rd_only,      // ldt rd
    rd_immediate, // li rd, imm
    rd_index,     // ldc, lds, ldin, rand: ldc rd, k
    index_ra,     // sts s, ra
    rd_ra_rb,     // add, sub, min, max
    rd_ra_rb_sh,  // mul rd, ra, rb, sh
    rd_ra_sh,     // shl, shr
    pd_ra_rb,     // compares
    rd_pd_ra_rb,  // sel
    rd_ra_table,  // lut rd, ra, t
};

struct opcode_info {
    const char* mnemonic;
    operand_form form;
    int max_index; // the largest imm11 value (slot, constant, channel, table or shift); 0 if unused
};

constexpr opcode_info info(opcode op) {
    switch (op) {
    case opcode::nop: return {"nop", operand_form::none, 0};
    case opcode::li: return {"li", operand_form::rd_immediate, 0};
    case opcode::ldc: return {"ldc", operand_form::rd_index, max_constant};
    case opcode::lds: return {"lds", operand_form::rd_index, max_state_slot};
    case opcode::sts: return {"sts", operand_form::index_ra, max_state_slot};
    case opcode::ldin: return {"ldin", operand_form::rd_index, max_input_channel};
    case opcode::add: return {"add", operand_form::rd_ra_rb, 0};
    case opcode::sub: return {"sub", operand_form::rd_ra_rb, 0};
    case opcode::mul: return {"mul", operand_form::rd_ra_rb_sh, max_multiply_shift};
    case opcode::shl: return {"shl", operand_form::rd_ra_sh, max_shift};
    case opcode::shr: return {"shr", operand_form::rd_ra_sh, max_shift};
    case opcode::min: return {"min", operand_form::rd_ra_rb, 0};
    case opcode::max: return {"max", operand_form::rd_ra_rb, 0};
    case opcode::cmpgt: return {"cmpgt", operand_form::pd_ra_rb, 0};
    case opcode::cmpge: return {"cmpge", operand_form::pd_ra_rb, 0};
    case opcode::cmpeq: return {"cmpeq", operand_form::pd_ra_rb, 0};
    case opcode::sel: return {"sel", operand_form::rd_pd_ra_rb, 0};
    case opcode::lut: return {"lut", operand_form::rd_ra_table, max_table};
    case opcode::spike: return {"spike", operand_form::none, 0};
    case opcode::ldt: return {"ldt", operand_form::rd_only, 0};
    case opcode::rand: return {"rand", operand_form::rd_index, max_draw};
    }
    return {"?", operand_form::none, 0};
}

// One decoded instruction. Fields an opcode does not use are zero.
struct instruction {
    opcode op = opcode::nop;
    std::uint8_t predicate = 0; // p0 (always true) .. p3
    bool negate = false;
    std::uint8_t rd = 0; // destination register, or pd of a compare
    std::uint8_t ra = 0;
    std::uint8_t rb = 0;
    std::uint8_t pd = 0;        // sel's predicate
    std::uint16_t index = 0;    // shift, state slot, constant, input channel or table
    std::int32_t immediate = 0; // li

    friend constexpr bool operator==(const instruction& a, const instruction& b) {
        return a.op == b.op && a.predicate == b.predicate && a.negate == b.negate && a.rd == b.rd &&
               a.ra == b.ra && a.rb == b.rb && a.pd == b.pd && a.index == b.index &&
               a.immediate == b.immediate;
    }
    friend constexpr bool operator!=(const instruction& a, const instruction& b) {
        return !(a == b);
    }
};

// Why a word or an instruction is not a valid instruction.
enum class decode_status : std::uint8_t {
    ok,
    unknown_opcode,
    unused_field_set,   // a field the opcode does not use is not zero
    index_out_of_range, // shift, slot, constant, channel or table beyond its limit
    immediate_out_of_range,
    writes_p0, // a compare or sel names p0, which is constant
    register_out_of_range,
    predicate_out_of_range,
};

constexpr const char* describe(decode_status status) {
    switch (status) {
    case decode_status::ok: return "valid";
    case decode_status::unknown_opcode: return "unknown opcode";
    case decode_status::unused_field_set: return "a field the opcode does not use is not zero";
    case decode_status::index_out_of_range:
        return "shift, slot, constant, channel or table out of range";
    case decode_status::immediate_out_of_range: return "immediate out of range";
    case decode_status::writes_p0: return "p0 is always true and cannot be written or selected on";
    case decode_status::register_out_of_range: return "register out of range";
    case decode_status::predicate_out_of_range: return "predicate out of range";
    }
    return "?";
}

namespace detail {

constexpr std::uint32_t field(std::uint32_t word, int low, int bits) {
    return (word >> low) & ((1u << bits) - 1u);
}

} // namespace detail

// Whether `i` is an instruction the encoding can represent, with every unused field zero.
constexpr decode_status check(const instruction& i) {
    if (static_cast<int>(i.op) >= opcode_count) {
        return decode_status::unknown_opcode;
    }
    if (i.predicate >= predicate_count || i.pd >= predicate_count) {
        return decode_status::predicate_out_of_range;
    }
    if (i.rd >= register_count || i.ra >= register_count || i.rb >= register_count) {
        return decode_status::register_out_of_range;
    }
    const opcode_info about = info(i.op);
    const operand_form form = about.form;
    const bool uses_rd = form != operand_form::none && form != operand_form::index_ra;
    const bool uses_ra = form == operand_form::index_ra || form == operand_form::rd_ra_rb ||
                         form == operand_form::rd_ra_rb_sh || form == operand_form::rd_ra_sh ||
                         form == operand_form::pd_ra_rb || form == operand_form::rd_pd_ra_rb ||
                         form == operand_form::rd_ra_table;
    const bool uses_rb = form == operand_form::rd_ra_rb || form == operand_form::rd_ra_rb_sh ||
                         form == operand_form::pd_ra_rb || form == operand_form::rd_pd_ra_rb;
    const bool uses_pd = form == operand_form::rd_pd_ra_rb;
    const bool uses_immediate = form == operand_form::rd_immediate;
    if ((!uses_rd && i.rd != 0) || (!uses_ra && i.ra != 0) || (!uses_rb && i.rb != 0) ||
        (!uses_pd && i.pd != 0) || (!uses_immediate && i.immediate != 0) ||
        (about.max_index == 0 && i.index != 0)) {
        return decode_status::unused_field_set;
    }
    if (i.index > about.max_index) {
        return decode_status::index_out_of_range;
    }
    if (i.immediate < min_immediate || i.immediate > max_immediate) {
        return decode_status::immediate_out_of_range;
    }
    if ((form == operand_form::pd_ra_rb && i.rd == 0) || (uses_pd && i.pd == 0)) {
        return decode_status::writes_p0;
    }
    return decode_status::ok;
}

// Encodes `i` into `word` when it is valid; otherwise returns why and leaves `word` alone.
constexpr decode_status encode(const instruction& i, std::uint32_t& word) {
    const decode_status status = check(i);
    if (status != decode_status::ok) {
        return status;
    }
    word = (i.negate ? 1u << 31 : 0u) | std::uint32_t{i.predicate} << 29 |
           std::uint32_t{static_cast<std::uint8_t>(i.op)} << 23 | std::uint32_t{i.rd} << 19;
    if (i.op == opcode::li) {
        word |= static_cast<std::uint32_t>(i.immediate) & ((1u << 19) - 1u);
    } else {
        word |= std::uint32_t{i.ra} << 15 | std::uint32_t{i.rb} << 11 |
                (i.op == opcode::sel ? std::uint32_t{i.pd} : std::uint32_t{i.index});
    }
    return decode_status::ok;
}

// Decodes `word` into `out`; anything but ok leaves `out` unspecified.
constexpr decode_status decode(std::uint32_t word, instruction& out) {
    using detail::field;
    out = instruction{};
    const std::uint32_t op = field(word, 23, 6);
    if (op >= opcode_count) {
        return decode_status::unknown_opcode;
    }
    out.op = static_cast<opcode>(op);
    out.negate = field(word, 31, 1) != 0;
    out.predicate = static_cast<std::uint8_t>(field(word, 29, 2));
    out.rd = static_cast<std::uint8_t>(field(word, 19, 4));
    if (out.op == opcode::li) {
        const std::uint32_t raw = field(word, 0, 19);
        out.immediate = static_cast<std::int32_t>(raw) - ((raw & (1u << 18)) != 0 ? (1 << 19) : 0);
    } else {
        out.ra = static_cast<std::uint8_t>(field(word, 15, 4));
        out.rb = static_cast<std::uint8_t>(field(word, 11, 4));
        const std::uint32_t low = field(word, 0, 11);
        if (out.op == opcode::sel) {
            if (low >= predicate_count) {
                return decode_status::unused_field_set;
            }
            out.pd = static_cast<std::uint8_t>(low);
        } else {
            out.index = static_cast<std::uint16_t>(low);
        }
    }
    return check(out);
}

} // namespace sf::firmware::isa
