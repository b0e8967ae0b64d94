// The timing model's cycle counts: a neuron program's cycles per neuron (one per instruction,
// rand's extra cycles, a stall after a late result, nothing carried from one neuron to the next)
// and what a step and a received row cost.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/isa.hpp>
#include <sf/firmware/timing.hpp>

#include "instruction_support.hpp"

namespace {

namespace isa = sf::firmware::isa;
namespace timing = sf::firmware::timing;
using isa::instruction;
using isa::opcode;
using sf::firmware::test::make;

constexpr std::uint32_t rand_cycles = 3;

instruction li(std::uint8_t rd, std::int32_t value) {
    instruction i = make(opcode::li, rd);
    i.immediate = value;
    return i;
}
instruction add(std::uint8_t rd, std::uint8_t ra, std::uint8_t rb) {
    return make(opcode::add, rd, ra, rb);
}
instruction mul(std::uint8_t rd, std::uint8_t ra, std::uint8_t rb) {
    return make(opcode::mul, rd, ra, rb, 16);
}
instruction lut(std::uint8_t rd, std::uint8_t ra) { return make(opcode::lut, rd, ra, 0, 1); }
instruction draw(std::uint8_t rd) { return make(opcode::rand, rd, 0, 0, 7); }
instruction sts(std::uint16_t slot, std::uint8_t ra) { return make(opcode::sts, 0, ra, 0, slot); }
instruction shl(std::uint8_t rd, std::uint8_t ra) { return make(opcode::shl, rd, ra, 0, 2); }
instruction cmpgt(std::uint8_t pd, std::uint8_t ra, std::uint8_t rb) {
    return make(opcode::cmpgt, pd, ra, rb);
}
instruction sel(std::uint8_t rd, std::uint8_t pd, std::uint8_t ra, std::uint8_t rb) {
    instruction i = make(opcode::sel, rd, ra, rb);
    i.pd = pd;
    return i;
}

std::vector<std::uint32_t> encode(std::initializer_list<instruction> program) {
    std::vector<std::uint32_t> words;
    for (const instruction& i : program) {
        std::uint32_t word = 0;
        REQUIRE(isa::encode(i, word) == isa::decode_status::ok);
        words.push_back(word);
    }
    return words;
}

std::uint64_t cycles(const std::vector<std::uint32_t>& words,
                     std::uint32_t rand_cost = rand_cycles) {
    return timing::program_cycles(words.data(), words.size(), rand_cost);
}

std::uint64_t cycles(std::initializer_list<instruction> program,
                     std::uint32_t rand_cost = rand_cycles) {
    return cycles(encode(program), rand_cost);
}

// A word that is no instruction: opcode 63 does not exist.
constexpr std::uint32_t undecodable = 0xffff'ffffu;

} // namespace

TEST_CASE("timing: a straight-line program takes one cycle per instruction", "[firmware][timing]") {
    CHECK(cycles({li(1, 5)}) == 1);
    CHECK(cycles({li(1, 5), li(2, 7), add(3, 1, 2), shl(4, 3), sts(0, 4)}) == 5);
    // Reading an add's or a shift's result straight away costs nothing: their results are early.
    CHECK(cycles({add(1, 2, 3), add(4, 1, 1), shl(5, 4), sts(1, 5)}) == 4);
    // A late result's register written again without being read costs nothing either.
    CHECK(cycles({mul(1, 2, 3), li(1, 0), add(4, 1, 1)}) == 3);
}

TEST_CASE("timing: the empty program takes no cycles", "[firmware][timing]") {
    CHECK(timing::program_cycles(nullptr, 0, rand_cycles) == 0);
    CHECK(cycles(std::vector<std::uint32_t>{}) == 0);
}

TEST_CASE("timing: reading a mul's result straight after it stalls one cycle",
          "[firmware][timing]") {
    CHECK(cycles({mul(1, 2, 3), add(4, 1, 2)}) == 3);
    CHECK(cycles({mul(1, 2, 3), add(4, 2, 1)}) == 3); // read as the second operand
    CHECK(cycles({mul(1, 2, 3), sts(0, 1)}) == 3);
    CHECK(cycles({mul(1, 2, 3), shl(4, 1)}) == 3);
    CHECK(cycles({mul(1, 2, 3), cmpgt(1, 1, 2)}) == 3); // a compare reads it too
    CHECK(cycles({mul(1, 2, 3), sel(4, 1, 5, 1)}) == 3);
    CHECK(cycles({mul(1, 2, 3), mul(4, 1, 1)}) == 3);
    // The other instruction's registers only: no stall.
    CHECK(cycles({mul(1, 2, 3), add(4, 2, 3)}) == 2);
    // A compare's predicate number is not a register it reads.
    CHECK(cycles({mul(1, 2, 3), sel(4, 1, 5, 6)}) == 2);
}

TEST_CASE("timing: one instruction between a late result and its reader hides the stall",
          "[firmware][timing]") {
    CHECK(cycles({mul(1, 2, 3), add(5, 6, 7), add(4, 1, 2)}) == 3);
    CHECK(cycles({lut(1, 2), li(5, 0), add(4, 1, 1)}) == 3);
    CHECK(cycles({draw(1), li(5, 0), add(4, 1, 1)}) == rand_cycles + 2);
    // Back-to-back late results each stall the reader of the one just before.
    CHECK(cycles({mul(1, 2, 3), mul(4, 1, 1), add(5, 4, 1)}) == 5);
}

TEST_CASE("timing: lut and rand results are late like mul's", "[firmware][timing]") {
    CHECK(cycles({lut(1, 2), add(4, 1, 2)}) == 3);
    CHECK(cycles({lut(1, 2), add(4, 2, 3)}) == 2);
    CHECK(cycles({lut(1, 2), lut(3, 1)}) == 3);
    CHECK(cycles({draw(1), add(4, 1, 2)}) == rand_cycles + 1 + 1);
    CHECK(cycles({draw(1), add(4, 2, 3)}) == rand_cycles + 1);
}

TEST_CASE("timing: rand keeps the issue stage for rand_cycles", "[firmware][timing]") {
    CHECK(cycles({draw(1)}, 1) == 1);
    CHECK(cycles({draw(1)}, 5) == 5);
    CHECK(cycles({draw(1), draw(2)}, 4) == 8); // rand reads no register, so no stall between
    CHECK(cycles({li(1, 0), draw(2), li(3, 0)}, 64) == 66);
}

TEST_CASE("timing: nothing carries from the last instruction to the next neuron's first",
          "[firmware][timing]") {
    // Registers start at zero for every neuron, so a late result at the end is read by no one.
    CHECK(cycles({add(4, 1, 2), mul(1, 2, 3)}) == 2);
    CHECK(cycles({add(4, 1, 2), li(5, 0), lut(1, 3)}) == 3);
    CHECK(cycles({sts(0, 1), draw(1)}) == 1 + rand_cycles);
    CHECK(cycles({mul(1, 1, 2)}) == 1);
    CHECK(cycles({mul(1, 2, 3)}) == 1);
}

TEST_CASE("timing: a predicated instruction costs the same as any other", "[firmware][timing]") {
    instruction late = mul(1, 2, 3);
    late.predicate = 2;
    instruction reader = add(4, 1, 2);
    reader.predicate = 1;
    reader.negate = true;
    CHECK(cycles({late, reader}) == 3);
    CHECK(cycles({mul(1, 2, 3), reader}) == 3);
    CHECK(cycles({late, add(4, 1, 2)}) == 3);
    instruction skipped = add(4, 5, 6);
    skipped.predicate = 3;
    CHECK(cycles({li(1, 0), skipped, li(2, 0)}) == 3);
}

TEST_CASE("timing: a word that does not decode counts one cycle", "[firmware][timing]") {
    CHECK(cycles(std::vector<std::uint32_t>{undecodable}) == 1);
    CHECK(cycles(std::vector<std::uint32_t>{undecodable, undecodable, undecodable}) == 3);
    // Between a late result and its reader, it hides the stall as any instruction would.
    std::vector<std::uint32_t> words = encode({mul(1, 2, 3), add(4, 1, 2)});
    words.insert(words.begin() + 1, undecodable);
    CHECK(cycles(words) == 3);
    // After a late result it is one cycle: it reads no register.
    words = encode({add(4, 1, 2), mul(1, 2, 3)});
    words.push_back(undecodable);
    CHECK(cycles(words) == 3);
    // A rand with every field valid but an unused one set does not decode: one cycle, not three.
    std::uint32_t word = 0;
    REQUIRE(isa::encode(draw(1), word) == isa::decode_status::ok);
    word |= 1u << 15; // ra, which rand does not use
    instruction back;
    REQUIRE(isa::decode(word, back) != isa::decode_status::ok);
    CHECK(cycles(std::vector<std::uint32_t>{word}) == 1);
}

TEST_CASE("timing: a step's and a row's cycles", "[firmware][timing]") {
    const timing::board_timing t; // 400 per tick, 10 per neuron, 16 per spike, 40 + 8 per word
    CHECK(timing::step_cycles(t, 20, 256, 3) == 400 + 256 * (20 + 10) + 3 * 16);
    CHECK(timing::step_cycles(t, 20, 0, 0) == 400);
    CHECK(timing::step_cycles(t, 0, 1, 0) == 410);
    CHECK(timing::row_cycles(t, 0) == 40);
    CHECK(timing::row_cycles(t, 5) == 40 + 5 * 8);

    timing::board_timing other;
    other.tick_cycles = 7;
    other.neuron_cycles = 2;
    other.spike_cycles = 3;
    other.packet_cycles = 11;
    other.word_cycles = 13;
    CHECK(timing::step_cycles(other, 5, 4, 2) == 7 + 4 * (5 + 2) + 2 * 3);
    CHECK(timing::row_cycles(other, 3) == 11 + 3 * 13);
    // Counts of a large board's step do not wrap round.
    CHECK(timing::step_cycles(other, 1'000'000, 1'000'000, 0) == 7 + 1'000'000ull * 1'000'002ull);

    static_assert(timing::step_cycles(timing::board_timing{}, 1, 1, 1) == 400 + 11 + 16);
    static_assert(timing::row_cycles(timing::board_timing{}, 1) == 48);
}

TEST_CASE("timing: analog neurons cost no core cycles; only the tick and events do",
          "[firmware][timing]") {
    timing::board_timing t;
    t.analog_neurons = true;
    CHECK(timing::step_cycles(t, 20, 256, 3) == 400 + 3 * 16);
    CHECK(timing::step_cycles(t, 1'000, 512, 0) == 400);
    CHECK(timing::row_cycles(t, 5) == 40 + 5 * 8);
    t.tick_cycles = 0;
    t.spike_cycles = 1;
    CHECK(timing::step_cycles(t, 20, 256, 0) == 0);
    CHECK(timing::step_cycles(t, 20, 256, 9) == 9);
}
