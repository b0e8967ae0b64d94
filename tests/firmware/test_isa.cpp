// The instruction encoding: every valid instruction survives encode/decode unchanged, and every
// word that is not an instruction is refused with its reason.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/isa.hpp>

#include "instruction_support.hpp"

namespace {

namespace isa = sf::firmware::isa;
using isa::decode_status;
using isa::instruction;
using isa::opcode;
using sf::firmware::test::make;

// One valid instruction per opcode, with its fields at their largest.
std::vector<instruction> widest_of_each() {
    std::vector<instruction> all;
    for (int code = 0; code < isa::opcode_count; ++code) {
        const auto op = static_cast<opcode>(code);
        instruction i;
        i.op = op;
        switch (isa::info(op).form) {
        case isa::operand_form::none: break;
        case isa::operand_form::rd_only: i.rd = 15; break;
        case isa::operand_form::rd_immediate:
            i.rd = 15;
            i.immediate = isa::min_immediate;
            break;
        case isa::operand_form::rd_index: i.rd = 15; break;
        case isa::operand_form::index_ra: i.ra = 15; break;
        case isa::operand_form::rd_ra_rb:
            i.rd = 15;
            i.ra = 14;
            i.rb = 13;
            break;
        case isa::operand_form::rd_ra_rb_sh:
            i.rd = 15;
            i.ra = 14;
            i.rb = 13;
            break;
        case isa::operand_form::rd_ra_sh:
            i.rd = 15;
            i.ra = 14;
            break;
        case isa::operand_form::pd_ra_rb:
            i.rd = 3;
            i.ra = 14;
            i.rb = 13;
            break;
        case isa::operand_form::rd_pd_ra_rb:
            i.rd = 15;
            i.pd = 3;
            i.ra = 14;
            i.rb = 13;
            break;
        case isa::operand_form::rd_ra_table:
            i.rd = 15;
            i.ra = 14;
            break;
        }
        i.index = static_cast<std::uint16_t>(isa::info(op).max_index);
        i.predicate = 3;
        i.negate = true;
        all.push_back(i);
    }
    return all;
}

} // namespace

TEST_CASE("isa: every opcode round-trips with its fields at their limits", "[firmware][isa]") {
    for (const instruction& i : widest_of_each()) {
        INFO(isa::info(i.op).mnemonic);
        std::uint32_t word = 0;
        REQUIRE(isa::encode(i, word) == decode_status::ok);
        instruction back;
        REQUIRE(isa::decode(word, back) == decode_status::ok);
        CHECK(back == i);
    }
}

TEST_CASE("isa: the encoding puts each field where the document says", "[firmware][isa]") {
    std::uint32_t word = 0;
    instruction mul = make(opcode::mul, 1, 2, 3, 17);
    mul.predicate = 2;
    mul.negate = true;
    REQUIRE(isa::encode(mul, word) == decode_status::ok);
    CHECK(word == (1u << 31 | 2u << 29 | 8u << 23 | 1u << 19 | 2u << 15 | 3u << 11 | 17u));
    instruction li = make(opcode::li, 4);
    li.immediate = -1;
    REQUIRE(isa::encode(li, word) == decode_status::ok);
    CHECK(word == (1u << 23 | 4u << 19 | 0x7FFFFu));
    instruction sel = make(opcode::sel, 5, 6, 7);
    sel.pd = 1;
    REQUIRE(isa::encode(sel, word) == decode_status::ok);
    CHECK(word == (16u << 23 | 5u << 19 | 6u << 15 | 7u << 11 | 1u));
    REQUIRE(isa::encode(make(opcode::ldt, 9), word) == decode_status::ok);
    CHECK(word == (19u << 23 | 9u << 19));
    instruction rand = make(opcode::rand, 15, 0, 0, 2047);
    rand.predicate = 1;
    REQUIRE(isa::encode(rand, word) == decode_status::ok);
    CHECK(word == (1u << 29 | 20u << 23 | 15u << 19 | 2047u));
}

TEST_CASE("isa: invalid instructions are refused with their reason", "[firmware][isa]") {
    std::uint32_t word = 12345;
    SECTION("fields beyond their range") {
        CHECK(isa::encode(make(opcode::mul, 1, 2, 3, 64), word) ==
              decode_status::index_out_of_range);
        CHECK(isa::encode(make(opcode::shl, 1, 2, 0, 32), word) ==
              decode_status::index_out_of_range);
        CHECK(isa::encode(make(opcode::lds, 1, 0, 0, 1024), word) ==
              decode_status::index_out_of_range);
        CHECK(isa::encode(make(opcode::ldin, 1, 0, 0, 16), word) ==
              decode_status::index_out_of_range);
        CHECK(isa::encode(make(opcode::add, 16, 0, 0), word) ==
              decode_status::register_out_of_range);
        instruction li = make(opcode::li, 1);
        li.immediate = isa::max_immediate + 1;
        CHECK(isa::encode(li, word) == decode_status::immediate_out_of_range);
        instruction predicated = make(opcode::spike);
        predicated.predicate = 4;
        CHECK(isa::encode(predicated, word) == decode_status::predicate_out_of_range);
    }
    SECTION("fields the opcode does not use") {
        CHECK(isa::encode(make(opcode::spike, 1), word) == decode_status::unused_field_set);
        CHECK(isa::encode(make(opcode::add, 1, 2, 3, 1), word) == decode_status::unused_field_set);
        CHECK(isa::encode(make(opcode::sts, 1, 2, 0, 5), word) == decode_status::unused_field_set);
        CHECK(isa::encode(make(opcode::ldt, 1, 2), word) == decode_status::unused_field_set);
        CHECK(isa::encode(make(opcode::rand, 1, 0, 3), word) == decode_status::unused_field_set);
        CHECK(isa::encode(make(opcode::rand, 1, 2), word) == decode_status::unused_field_set);
    }
    SECTION("p0 cannot be written") {
        CHECK(isa::encode(make(opcode::cmpgt, 0, 1, 2), word) == decode_status::writes_p0);
        CHECK(isa::encode(make(opcode::sel, 1, 2, 3), word) == decode_status::writes_p0);
    }
    CHECK(word == 12345); // untouched
}

TEST_CASE("isa: words that are not instructions are refused", "[firmware][isa]") {
    instruction out;
    CHECK(isa::decode(63u << 23, out) == decode_status::unknown_opcode);
    CHECK(isa::decode(21u << 23, out) == decode_status::unknown_opcode);
    CHECK(isa::decode(19u << 23 | 1u << 15, out) == decode_status::unused_field_set); // ldt with ra
    CHECK(isa::decode(20u << 23 | 1u << 15, out) ==
          decode_status::unused_field_set);                                     // rand with ra
    CHECK(isa::decode(20u << 23 | 2047u, out) == decode_status::ok);            // rand, draw 2047
    CHECK(isa::decode(18u << 23 | 1u, out) == decode_status::unused_field_set); // spike with imm11
    CHECK(isa::decode(16u << 23 | 1u << 19 | 4u, out) ==
          decode_status::unused_field_set); // sel, pd 4
    CHECK(isa::decode(13u << 23 | 1u << 15, out) == decode_status::writes_p0);
    CHECK(isa::decode(8u << 23 | 64u, out) == decode_status::index_out_of_range);
    for (int s = 0; s <= 7; ++s) {
        CHECK(std::string(isa::describe(static_cast<decode_status>(s))) != "?");
    }
}

TEST_CASE("isa: every word either decodes to an instruction that encodes back to it, or is refused",
          "[firmware][isa]") {
    std::mt19937 random(7);
    std::uniform_int_distribution<std::uint32_t> any;
    int valid = 0;
    for (int trial = 0; trial < 200000; ++trial) {
        // Mostly words with a known opcode, so that the field checks are exercised.
        std::uint32_t word = any(random);
        if (trial % 2 == 0) {
            word = (word & ~(63u << 23)) |
                   (static_cast<std::uint32_t>(trial / 2 % isa::opcode_count) << 23);
        }
        instruction decoded;
        if (isa::decode(word, decoded) != decode_status::ok) {
            continue;
        }
        ++valid;
        std::uint32_t again = 0;
        REQUIRE(isa::encode(decoded, again) == decode_status::ok);
        REQUIRE(again == word);
    }
    CHECK(valid > 100);
}
