// The text form of neuron-core programs: assembling and disassembling round-trip, and every line
// that is not an instruction is refused at its line and column.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/isa.hpp>
#include <sf/mapper/assembly.hpp>

namespace {

namespace isa = sf::firmware::isa;
using sf::mapper::assemble;
using sf::mapper::assembly_error;
using sf::mapper::disassemble;

// A leaky integrate-and-fire update in the text form.
const char* const lif = R"(; v += (input - v) * decay, spike and reset above threshold
    lds   r1, 0          ; v
    ldin  r2, 0
    sub   r3, r2, r1
    ldc   r4, 0          # decay, Q1.30
    mul   r3, r3, r4, 30
    add   r1, r1, r3
    ldc   r5, 1
    cmpgt p1, r1, r5
    (p1)  spike
    (p1)  ldc r1, 2
    sts   0, r1
    li    r6, -262144
    sel   r7, p1, r6, r1
    (!p3) lut r8, r7, 15
    shl   r9, r8, 31
    shr   r9, r9, 0
    min   r10, r9, r8
    max   r11, r10, r0
    cmpge p2, r11, r10
    cmpeq p3, r11, r10
    nop
)";

void check_refused(const std::string& text, int line, int column, const std::string& message) {
    try {
        assemble(text, "core.s");
        FAIL("assembled: " << text);
    } catch (const assembly_error& e) {
        INFO(e.what());
        CHECK(e.source() == "core.s");
        CHECK(e.line() == line);
        CHECK(e.column() == column);
        CHECK_THAT(e.message(), Catch::Contains(message));
        CHECK_THAT(std::string(e.what()),
                   Catch::StartsWith("core.s:" + std::to_string(line) + ":"));
    }
}

} // namespace

TEST_CASE(
    "assembly: a program assembles, and disassembles to text that assembles to the same words",
    "[mapper][assembly]") {
    const std::vector<std::uint32_t> words = assemble(lif);
    REQUIRE(words.size() == 21);
    isa::instruction first;
    REQUIRE(isa::decode(words[0], first) == isa::decode_status::ok);
    CHECK(first.op == isa::opcode::lds);
    CHECK(first.rd == 1);
    isa::instruction spike;
    REQUIRE(isa::decode(words[8], spike) == isa::decode_status::ok);
    CHECK(spike.op == isa::opcode::spike);
    CHECK(spike.predicate == 1);
    const std::string text = disassemble(words);
    CHECK(assemble(text) == words);
    CHECK(text.find("(!p3) lut r8, r7, 15\n") != std::string::npos);
    CHECK(text.find("li r6, -262144\n") != std::string::npos);
}

TEST_CASE("assembly: ldt takes a destination register, rand one and its draw number",
          "[mapper][assembly]") {
    const std::vector<std::uint32_t> words = assemble("ldt r3\n(!p2) RAND r15, 2047 ; noise\n");
    REQUIRE(words.size() == 2);
    CHECK(words[0] == (19u << 23 | 3u << 19));
    CHECK(words[1] == (1u << 31 | 2u << 29 | 20u << 23 | 15u << 19 | 2047u));
    CHECK(disassemble(words) == "ldt r3\n(!p2) rand r15, 2047\n");
    check_refused("ldt", 1, 4, "expected a register");
    check_refused("ldt p1", 1, 5, "expected a register");
    CHECK_THROWS_AS(assemble("rand r1"), assembly_error);
    CHECK_THROWS_AS(assemble("rand r1, 2048"), assembly_error);
}

TEST_CASE("assembly: numbers, case and comments", "[mapper][assembly]") {
    CHECK(assemble("LDC R1, 0x3ff") == assemble("ldc r1, 1023"));
    CHECK(assemble("li r2, -0x10 ; sixteen below zero") == assemble("li r2, -16"));
    CHECK(assemble("\n  # nothing\n\n; still nothing\n").empty());
    CHECK(assemble("").empty());
}

TEST_CASE("assembly: lines that are not instructions are refused at their line and column",
          "[mapper][assembly]") {
    check_refused("nop\n  jump r1", 2, 3, "unknown mnemonic 'jump'");
    check_refused("(p1)", 1, 5, "expected a mnemonic");
    check_refused("(q1) spike", 1, 2, "expected a predicate");
    check_refused("(p4) spike", 1, 2, "a predicate must be p0 to p3");
    check_refused("(p1 spike", 1, 5, "expected ')' after the predicate");
    check_refused("add r1, r2", 1, 11, "expected ','");
    check_refused("add r1, r2, r16", 1, 13, "a register must be r0 to r15");
    check_refused("add r1, r2, x3", 1, 13, "expected a register");
    check_refused("mul r1, r2, r3, 64", 1, 17, "the shift must be 0 to 63");
    check_refused("shl r1, r2, 32", 1, 13, "the shift must be 0 to 31");
    check_refused("lds r1, 1024", 1, 9, "the index must be 0 to 1023");
    check_refused("sts -1, r1", 1, 5, "the state slot must be 0 to 1023");
    check_refused("lut r1, r2, 16", 1, 13, "the table must be 0 to 15");
    check_refused("li r1, 262144", 1, 8, "the immediate must be -262144 to 262143");
    check_refused("li r1, 99999999999999999999999", 1, 8, "far out of range");
    check_refused("li r1, two", 1, 8, "expected an immediate (a number)");
    check_refused("spike r1", 1, 7, "unexpected text after the operands of spike");
    check_refused("cmpgt p0, r1, r2", 1, 17, "p0 is always true");
    check_refused("sel r1, p0, r2, r3", 1, 19, "p0 is always true");
}

TEST_CASE("assembly: words that are not instructions are refused by the disassembler",
          "[mapper][assembly]") {
    std::vector<std::uint32_t> words = assemble("nop\nspike");
    words.push_back(63u << 23);
    try {
        disassemble(words, "image core 3");
        FAIL("disassembled an unknown opcode");
    } catch (const assembly_error& e) {
        CHECK(e.line() == 3);
        CHECK_THAT(e.message(),
                   Catch::Contains("word 1f800000 is not an instruction: unknown opcode"));
    }
}
