// The reference semantics of the instruction set: each instruction, predication, lookup tables,
// saturation counting, and runs stopped by words or addresses the core cannot serve.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/interpreter.hpp>
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
    CHECK(n.result_of("ldc r2, 3\nli r3, -1\nmul r1, r2, r3, 0\nli r4, 2\nsub r1, r1, r4") == -2147483647 - 1);
    CHECK(n.saturations.events == 2);
}

TEST_CASE("interpreter: multiply and shifts round to nearest, halves up", "[firmware][interpreter]") {
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
    CHECK(n.result_of("li r2, 2\nlut r1, r2, 0") == 2);    // 1.5 -> 2
    CHECK(n.result_of("li r2, 6\nlut r1, r2, 0") == 4);    // 3.5 -> 4
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
    const std::uint32_t words[] = {0, 63u << 23};
    isa::neuron_memory memory;
    saturation_count count;
    const isa::run_result r = isa::run_program(words, 2, memory, count);
    CHECK(r.status == isa::run_status::bad_instruction);
    CHECK(r.failed_at == 1);
}
