// The reference semantics of the instruction set: each instruction, predication, lookup tables,
// saturation counting, and runs stopped by words or addresses the core cannot serve.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/random.hpp>
#include <sf/mapper/assembly.hpp>

namespace {

namespace isa = sf::firmware::isa;
using sf::firmware::saturation_count;

// A neuron with 8 state words, 4 constants, 2 input channels and one table of y = 10 * x at
// x = 0, 4, 8, 12, 16 (raw units).
struct bench_neuron {
    std::vector<std::int32_t> state = std::vector<std::int32_t>(8, 0);
    std::vector<std::int32_t> constants{100, -7, 1 << 30, 2147483647};
    std::vector<std::int32_t> inputs{5, -3};
    std::vector<std::int32_t> samples{0, 40, 80, 120, 160};
    isa::lookup_table table{0, 2, 2, nullptr};
    std::uint32_t step = 1;
    std::uint32_t neuron = 0;
    std::uint32_t seed = 0;
    saturation_count saturations;

    isa::run_result run(const std::string& text) {
        const std::vector<std::uint32_t> program = sf::mapper::assemble(text);
        table.y = samples.data();
        isa::neuron_memory memory;
        memory.state = state.data();
        memory.state_words = state.size();
        memory.constants = constants.data();
        memory.constant_words = constants.size();
        memory.inputs = inputs.data();
        memory.input_channels = inputs.size();
        memory.tables = &table;
        memory.table_count = 1;
        memory.step = step;
        memory.neuron = neuron;
        memory.seed = seed;
        return isa::run_program(program.data(), program.size(), memory, saturations);
    }
    // Runs `text` and then stores r1 in state word 0, returning it.
    std::int32_t result_of(const std::string& text) {
        const isa::run_result r = run(text + "\nsts 0, r1");
        REQUIRE(r.status == isa::run_status::ok);
        return state[0];
    }
};

} // namespace

TEST_CASE("interpreter: loads, stores and immediates", "[firmware][interpreter]") {
    bench_neuron n;
    CHECK(n.result_of("li r1, -262144") == -262144);
    CHECK(n.result_of("ldc r1, 1") == -7);
    CHECK(n.result_of("ldin r1, 1") == -3);
    n.state[5] = 42;
    CHECK(n.result_of("lds r1, 5") == 42);
    CHECK(n.result_of("nop") == 0); // registers start at zero
}

TEST_CASE("interpreter: arithmetic saturates and counts", "[firmware][interpreter]") {
    bench_neuron n;
    CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nadd r1, r2, r3") == 93);
    CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nsub r1, r2, r3") == 107);
    CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nmin r1, r2, r3") == -7);
    CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nmax r1, r2, r3") == 100);
    CHECK(n.saturations.events == 0);
    CHECK(n.result_of("ldc r2, 3\nadd r1, r2, r2") == 2147483647);
    CHECK(n.result_of("ldc r2, 3\nli r3, -1\nmul r1, r2, r3, 0\nli r4, 2\nsub r1, r1, r4") ==
          -2147483647 - 1);
    CHECK(n.saturations.events == 2);
}

TEST_CASE("interpreter: multiply and shifts round to nearest, halves up",
          "[firmware][interpreter]") {
    bench_neuron n;
    // 100 * 2^30 / 2^30 = 100; -7 * 2^30 / 2^31 = -3.5 -> -3
    CHECK(n.result_of("ldc r2, 0\nldc r3, 2\nmul r1, r2, r3, 30") == 100);
    CHECK(n.result_of("ldc r2, 1\nldc r3, 2\nmul r1, r2, r3, 31") == -3);
    CHECK(n.result_of("li r2, 7\nshr r1, r2, 1") == 4);   // 3.5 -> 4
    CHECK(n.result_of("li r2, -7\nshr r1, r2, 1") == -3); // -3.5 -> -3
    CHECK(n.result_of("li r2, -5\nshl r1, r2, 3") == -40);
    CHECK(n.saturations.events == 0);
    CHECK(n.result_of("li r2, 1\nshl r1, r2, 31") == 2147483647);
    // The widest products: (2^31 - 1)^2 / 2^63 is just below a half, / 2^62 just below one.
    CHECK(n.result_of("ldc r2, 3\nmul r1, r2, r2, 63") == 0);
    CHECK(n.result_of("ldc r2, 3\nmul r1, r2, r2, 62") == 1);
    CHECK(n.saturations.events == 1);
}

TEST_CASE("interpreter: compares, selection and predication", "[firmware][interpreter]") {
    bench_neuron n;
    CHECK(n.result_of("li r2, 5\nli r3, 5\ncmpgt p1, r2, r3\nli r1, 1\n(p1) li r1, 2") == 1);
    CHECK(n.result_of("li r2, 5\nli r3, 5\ncmpge p1, r2, r3\nli r1, 1\n(p1) li r1, 2") == 2);
    CHECK(n.result_of("li r2, 5\nli r3, 4\ncmpeq p2, r2, r3\nli r1, 1\n(!p2) li r1, 3") == 3);
    CHECK(n.result_of("li r2, 9\nli r3, 4\ncmpgt p3, r2, r3\nsel r1, p3, r2, r3") == 9);
    CHECK(n.result_of("li r2, 9\nli r3, 4\ncmpgt p3, r3, r2\nsel r1, p3, r2, r3") == 4);
    CHECK(n.result_of("li r1, 6\n(!p0) li r1, 7") == 6); // negated p0 never runs
    CHECK(n.result_of("li r1, 6\n(p1) li r1, 7") == 6);  // predicates start false
    isa::run_result spiking = n.run("li r2, 1\ncmpgt p1, r2, r0\n(p1) spike");
    CHECK(spiking.spiked);
    CHECK_FALSE(n.run("(p1) spike").spiked);
}

TEST_CASE("interpreter: lookup tables interpolate and clamp", "[firmware][interpreter]") {
    bench_neuron n;
    CHECK(n.result_of("li r2, 0\nlut r1, r2, 0") == 0);
    CHECK(n.result_of("li r2, 6\nlut r1, r2, 0") == 60);
    CHECK(n.result_of("li r2, 16\nlut r1, r2, 0") == 160); // the last sample is reached
    n.samples = {0, 3, 4, 4, 4};
    CHECK(n.result_of("li r2, 2\nlut r1, r2, 0") == 2); // 1.5 -> 2
    CHECK(n.result_of("li r2, 6\nlut r1, r2, 0") == 4); // 3.5 -> 4
    CHECK(n.saturations.events == 0);
    CHECK(n.result_of("li r2, -1\nlut r1, r2, 0") == 0);
    CHECK(n.result_of("li r2, 17\nlut r1, r2, 0") == 4);
    CHECK(n.saturations.events == 2);
}

TEST_CASE("interpreter: a run stops where the core cannot serve it", "[firmware][interpreter]") {
    bench_neuron n;
    auto stopped = [&](const std::string& text, isa::run_status status, std::size_t at) {
        const isa::run_result r = n.run(text);
        CHECK(r.status == status);
        CHECK(r.failed_at == at);
    };
    stopped("nop\nlds r1, 8", isa::run_status::state_out_of_range, 1);
    stopped("sts 9, r1", isa::run_status::state_out_of_range, 0);
    stopped("ldc r1, 4", isa::run_status::constant_out_of_range, 0);
    stopped("nop\nnop\nldin r1, 2", isa::run_status::input_out_of_range, 2);
    stopped("lut r1, r2, 1", isa::run_status::table_out_of_range, 0);
    for (std::uint32_t s = 0; s <= 6; ++s) {
        CHECK(std::string(isa::describe(static_cast<isa::run_status>(s))) != "?");
    }
    const std::uint32_t words[] = {0, 63u << 23};
    isa::neuron_memory memory;
    saturation_count count;
    const isa::run_result r = isa::run_program(words, 2, memory, count);
    CHECK(r.status == isa::run_status::bad_instruction);
    CHECK(r.failed_at == 1);
}

TEST_CASE("interpreter: ldt reads the number of the step being computed",
          "[firmware][interpreter]") {
    bench_neuron n;
    CHECK(n.result_of("ldt r1") == 1); // the first step of a run
    n.step = 1234567;
    CHECK(n.result_of("ldt r1") == 1234567);
    n.step = 0x80000000u; // past 2^31 - 1 steps the signed word wraps
    CHECK(n.result_of("ldt r1") == std::numeric_limits<std::int32_t>::min());
    n.step = 0xFFFFFFFFu;
    CHECK(n.result_of("ldt r1") == -1);
    CHECK(n.result_of("li r1, 5\n(p1) ldt r1") == 5);
}

TEST_CASE("interpreter: rand draws the counter-based number of its draw number",
          "[firmware][interpreter]") {
    bench_neuron n;
    n.seed = 0x5EED;
    n.neuron = 17;
    n.step = 42;
    // Draws 0 and 2 of the same program give different numbers.
    REQUIRE(n.run("rand r1, 0\nsts 0, r1\nrand r2, 2\nsts 1, r2").status == isa::run_status::ok);
    CHECK(n.state[0] == isa::random_fraction(0x5EED, 17, 42, 0));
    CHECK(n.state[1] == isa::random_fraction(0x5EED, 17, 42, 2));
    CHECK(n.state[0] != n.state[1]);
    CHECK(n.state[0] >= 0);
    CHECK(n.state[1] >= 0);
    // The same draw number gives the same number again, wherever it stands in the program.
    REQUIRE(n.run("nop\nnop\nnop\nrand r2, 2\nsts 1, r2").status == isa::run_status::ok);
    CHECK(n.state[1] == isa::random_fraction(0x5EED, 17, 42, 2));
    CHECK(n.result_of("(p2) rand r1, 0") == 0); // not drawn where its predicate is false
}

TEST_CASE("interpreter: a table descriptor outside the limits stops the run",
          "[firmware][interpreter]") {
    bench_neuron n;
    auto refused = [&]() {
        const isa::run_result r = n.run("nop\nli r2, 3\nlut r1, r2, 0");
        CHECK(r.status == isa::run_status::bad_table);
        CHECK(r.failed_at == 2);
    };
    n.samples.resize((std::size_t{1} << 17) + 1);
    SECTION("step 30 and 16 log2 intervals are the largest") {
        n.table = {0, 30, 16, nullptr};
        CHECK(n.run("li r2, 3\nlut r1, r2, 0").status == isa::run_status::ok);
    }
    SECTION("step beyond 30") {
        n.table = {0, 31, 0, nullptr};
        refused();
    }
    SECTION("more than 2^16 intervals") {
        n.table = {0, 0, 17, nullptr};
        refused();
    }
    SECTION("a lookup whose predicate is false does not look at the table") {
        n.table = {0, 31, 0, nullptr};
        CHECK(n.run("(p1) lut r1, r2, 0").status == isa::run_status::ok);
    }
}

TEST_CASE("interpreter: saturation and rounding at the int32 extremes", "[firmware][interpreter]") {
    bench_neuron n;
    constexpr std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
    constexpr std::int32_t highest = std::numeric_limits<std::int32_t>::max();
    n.constants = {lowest, highest, -1, 1};
    SECTION("mul with shift 0 clamps, with shift 63 rounds to nearest, halves up") {
        CHECK(n.result_of("ldc r2, 0\nmul r1, r2, r2, 0") == highest);            // 2^62
        CHECK(n.result_of("ldc r2, 0\nldc r3, 2\nmul r1, r2, r3, 0") == highest); // -min
        CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nmul r1, r2, r3, 0") == lowest);
        CHECK(n.saturations.events == 3);
        CHECK(n.result_of("ldc r2, 0\nldc r3, 3\nmul r1, r2, r3, 0") == lowest); // exact
        CHECK(n.result_of("ldc r2, 0\nmul r1, r2, r2, 63") == 1);                // exactly a half
        CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nmul r1, r2, r3, 63") == 0);     // just above -1/2
        CHECK(n.result_of("ldc r2, 0\nldc r3, 3\nmul r1, r2, r3, 63") == 0);     // -2^-32
        CHECK(n.result_of("ldc r2, 0\nmul r1, r2, r2, 62") == 1);
        CHECK(n.result_of("ldc r2, 0\nldc r3, 1\nmul r1, r2, r3, 62") == -1); // -1 + 2^-31
        CHECK(n.saturations.events == 3);
    }
    SECTION("shl clamps at both ends and counts") {
        CHECK(n.result_of("ldc r2, 2\nshl r1, r2, 31") == lowest); // -2^31 fits
        CHECK(n.result_of("ldc r2, 1\nshl r1, r2, 0") == highest);
        CHECK(n.result_of("li r2, 0x3FFFF\nshl r1, r2, 13") == 0x7FFFE000);
        CHECK(n.saturations.events == 0);
        CHECK(n.result_of("ldc r2, 0\nshl r1, r2, 1") == lowest);
        CHECK(n.result_of("ldc r2, 1\nshl r1, r2, 31") == highest);
        CHECK(n.result_of("li r2, 0x20000\nshl r1, r2, 14") == highest); // 2^31
        CHECK(n.result_of("li r2, -0x20000\nshl r1, r2, 14") == lowest); // -2^31 fits
        CHECK(n.result_of("li r2, -0x20001\nshl r1, r2, 14") == lowest);
        CHECK(n.saturations.events == 4);
    }
    SECTION("shr rounds negative halves up, towards zero") {
        CHECK(n.result_of("li r2, -1\nshr r1, r2, 1") == 0);  // -0.5
        CHECK(n.result_of("li r2, -3\nshr r1, r2, 1") == -1); // -1.5
        CHECK(n.result_of("li r2, -2\nshr r1, r2, 2") == 0);  // -0.5
        CHECK(n.result_of("li r2, -6\nshr r1, r2, 2") == -1); // -1.5
        CHECK(n.result_of("li r2, -7\nshr r1, r2, 2") == -2); // -1.75
        CHECK(n.result_of("ldc r2, 0\nshr r1, r2, 31") == -1);
        CHECK(n.result_of("ldc r2, 0\nshr r1, r2, 0") == lowest);
        CHECK(n.result_of("ldc r2, 1\nshr r1, r2, 31") == 1); // just below one
        CHECK(n.result_of("ldc r2, 2\nshr r1, r2, 31") == 0); // -2^-31
        CHECK(n.saturations.events == 0);
    }
    SECTION("add and sub clamp at both ends") {
        CHECK(n.result_of("ldc r2, 0\nldc r3, 2\nadd r1, r2, r3") == lowest);
        CHECK(n.result_of("ldc r2, 0\nldc r3, 3\nsub r1, r2, r3") == lowest);
        CHECK(n.result_of("ldc r3, 0\nsub r1, r0, r3") == highest);
        CHECK(n.result_of("ldc r2, 1\nldc r3, 2\nsub r1, r2, r3") == highest);
        CHECK(n.saturations.events == 4);
        CHECK(n.result_of("ldc r2, 1\nldc r3, 0\nadd r1, r2, r3") == -1);
        CHECK(n.saturations.events == 4);
    }
}

TEST_CASE("interpreter: lookup tables clamp at both ends of the int32 range",
          "[firmware][interpreter]") {
    bench_neuron n;
    constexpr std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
    constexpr std::int32_t highest = std::numeric_limits<std::int32_t>::max();
    // Two intervals of 2^30 from -2^30, from the smallest to the largest sample.
    n.samples = {lowest, 0, highest};
    n.table = {-(1 << 30), 30, 1, nullptr};
    n.constants = {lowest, highest, 0, 1 << 29};
    CHECK(n.result_of("ldc r2, 2\nlut r1, r2, 0") == 0);
    CHECK(n.result_of("ldc r2, 3\nlut r1, r2, 0") == 1 << 30); // 2^30 - 0.5 rounds up
    CHECK(n.result_of("li r2, -1\nshl r2, r2, 29\nlut r1, r2, 0") == -(1 << 30));
    CHECK(n.saturations.events == 0);
    CHECK(n.result_of("ldc r2, 0\nlut r1, r2, 0") == lowest);
    CHECK(n.result_of("ldc r2, 1\nlut r1, r2, 0") == highest);
    CHECK(n.saturations.events == 2);
    n.table = {-100, 2, 2, nullptr};
    n.samples = {7, 9, 11, 13, 15};
    CHECK(n.result_of("ldc r2, 1\nlut r1, r2, 0") == 15);  // far above
    CHECK(n.result_of("ldc r2, 0\nlut r1, r2, 0") == 7);   // far below
    CHECK(n.result_of("li r2, -101\nlut r1, r2, 0") == 7); // just below
    CHECK(n.result_of("li r2, -83\nlut r1, r2, 0") == 15); // just above
    CHECK(n.saturations.events == 6);
    CHECK(n.result_of("li r2, -100\nlut r1, r2, 0") == 7); // the ends themselves are not clamps
    CHECK(n.result_of("li r2, -84\nlut r1, r2, 0") == 15);
    CHECK(n.result_of("li r2, -99\nlut r1, r2, 0") == 8); // 7.5 -> 8
    CHECK(n.saturations.events == 6);
}

TEST_CASE("interpreter: sel under negated predicates", "[firmware][interpreter]") {
    bench_neuron n;
    const std::string setup = "li r2, 20\nli r3, 30\nli r1, 10\ncmpgt p1, r3, r2\n";
    CHECK(n.result_of(setup + "(!p1) sel r1, p1, r2, r3") == 10); // p1 true: does not run
    CHECK(n.result_of(setup + "(p1) sel r1, p1, r2, r3") == 20);
    CHECK(n.result_of(setup + "(!p2) sel r1, p2, r2, r3") == 30); // p2 false: runs, selects rb
    CHECK(n.result_of(setup + "(!p2) sel r1, p1, r2, r3") == 20);
    CHECK(n.result_of(setup + "cmpeq p3, r2, r3\n(!p3) sel r1, p3, r3, r2") == 20);
    CHECK(n.result_of(setup + "sel r1, p1, r1, r1") == 10);
}
