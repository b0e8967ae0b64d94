// The per-core kernel: start-up checks, synaptic delivery into the delay ring, counted clamps and
// drops, spikes in order, state access and program faults. Its equality with the reference
// interpreter on random programs is test_kernel_property.cpp.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/kernel.hpp>
#include <sf/firmware/synapse.hpp>
#include <sf/mapper/assembly.hpp>

namespace {

namespace fw = sf::firmware;
namespace isa = sf::firmware::isa;
using fw::init_status;

// A core whose program is given as text; every array the config points at lives here.
struct test_core {
    std::vector<std::uint32_t> program;
    std::vector<std::int32_t> constants;
    std::vector<std::vector<std::int32_t>> samples;
    std::vector<isa::lookup_table> tables;
    std::vector<std::int32_t> initial_state;
    fw::core_config config;
    std::vector<std::uint32_t> arena;
    fw::kernel core;
    std::vector<std::uint16_t> spiked;

    test_core(const std::string& text, std::size_t neurons, std::size_t state_words,
              std::size_t channels, std::size_t slots) {
        program = sf::mapper::assemble(text);
        config.neuron_count = neurons;
        config.state_words = state_words;
        config.input_channels = channels;
        config.delay_slots = slots;
    }
    fw::core_config& configured() {
        for (std::size_t t = 0; t < tables.size(); ++t) {
            tables[t].y = samples[t].data();
        }
        config.program = program.data();
        config.program_length = program.size();
        config.constants = constants.data();
        config.constant_count = constants.size();
        config.tables = tables.data();
        config.table_count = tables.size();
        config.initial_state = initial_state.empty() ? nullptr : initial_state.data();
        return config;
    }
    init_status start() {
        const fw::core_config& c = configured();
        arena.assign(fw::words_needed(c), 0xDEADBEEFu); // the kernel must not rely on a clean arena
        return core.init(c, arena.data(), arena.size());
    }
    std::vector<std::uint16_t> step() {
        spiked.assign(config.neuron_count, 0xFFFF);
        spiked.resize(core.step(spiked.data(), spiked.size()));
        return spiked;
    }
    void deliver(const std::vector<std::uint32_t>& row) { core.deliver(row.data(), row.size()); }
};

std::uint32_t word(std::int32_t weight, std::uint32_t delay, std::uint32_t channel,
                   std::uint32_t target) {
    std::uint32_t w = 0;
    REQUIRE(fw::synapse::encode({weight, delay, channel, target}, w));
    return w;
}

// Copies each input channel into the state word of the same number.
const char* const echo_inputs = "ldin r1, 0\nsts 0, r1\nldin r2, 1\nsts 1, r2\n";

} // namespace

TEST_CASE("kernel: start-up refuses a bad config with the first problem", "[firmware][kernel]") {
    test_core c("lds r1, 0\nsts 0, r1", 4, 2, 2, 4);
    c.samples = {{0, 1}};
    c.tables = {{0, 0, 0, nullptr}};
    REQUIRE(c.start() == init_status::ok);
    REQUIRE(c.core.ready());
    c.core.store_state(3, 1, 77);
    auto refused = [&](init_status expected) {
        fw::core_config& config = c.configured();
        CHECK(fw::check(config) == expected);
        CHECK(fw::words_needed(config) == 0);
        std::vector<std::uint32_t> big(1 << 16);
        CHECK(c.core.init(config, big.data(), big.size()) == expected);
        CHECK(fw::describe(expected) != std::string("?"));
    };
    SECTION("missing arrays") {
        c.configured().program = nullptr;
        CHECK(fw::check(c.config) == init_status::missing_data);
        c.configured().constants = nullptr;
        c.config.constant_count = 1;
        CHECK(fw::check(c.config) == init_status::missing_data);
        c.configured().tables = nullptr;
        CHECK(fw::check(c.config) == init_status::missing_data);
    }
    SECTION("a program too long") {
        c.program.assign(fw::max_program_length + 1, 0);
        refused(init_status::program_too_long);
    }
    SECTION("a word that is not an instruction") {
        c.program.push_back(21u << 23);
        refused(init_status::bad_instruction);
    }
    SECTION("too many constants") {
        c.constants.assign(fw::max_constants + 1, 0);
        refused(init_status::too_many_constants);
    }
    SECTION("too many tables") {
        c.samples.assign(17, {0, 1});
        c.tables.assign(17, {0, 0, 0, nullptr});
        refused(init_status::too_many_tables);
    }
    SECTION("a table step beyond 30") {
        c.tables[0].step = 31;
        refused(init_status::bad_table);
    }
    SECTION("more than 2^16 table intervals") {
        c.tables[0].log2_intervals = 17;
        refused(init_status::bad_table);
    }
    SECTION("a table without samples") {
        c.configured();
        c.tables[0].y = nullptr;
        CHECK(fw::check(c.config) == init_status::bad_table);
    }
    SECTION("too many neurons") {
        c.config.neuron_count = 257;
        refused(init_status::too_many_neurons);
    }
    SECTION("too many state words") {
        c.config.state_words = 1025;
        refused(init_status::too_many_state_words);
    }
    SECTION("too many input channels") {
        c.config.input_channels = 17;
        refused(init_status::too_many_input_channels);
    }
    SECTION("delay slots not a power of two up to 16") {
        for (std::size_t slots : {0, 3, 12, 32}) {
            c.config.delay_slots = slots;
            refused(init_status::bad_delay_slots);
        }
    }
    SECTION("an arena too small") {
        const std::size_t needed = fw::words_needed(c.configured());
        std::vector<std::uint32_t> arena(needed - 1);
        CHECK(c.core.init(c.config, arena.data(), arena.size()) == init_status::arena_too_small);
        CHECK(c.core.init(c.config, nullptr, needed) == init_status::arena_too_small);
    }
    SECTION("the earlier problem is named first") {
        c.program.push_back(21u << 23);
        c.config.neuron_count = 1000;
        refused(init_status::bad_instruction);
    }
    // A refused start-up leaves the running core alone.
    CHECK(c.core.ready());
    CHECK(c.core.neuron_count() == 4);
    CHECK(c.core.state(3, 1) == 77);
}

TEST_CASE("kernel: limits themselves are accepted", "[firmware][kernel]") {
    test_core c("ldin r1, 15\nsts 1023, r1", fw::max_neurons, fw::max_state_words,
                fw::max_input_channels, fw::max_delay_slots);
    c.samples = {std::vector<std::int32_t>((1 << 16) + 1, 5)};
    c.tables = {{0, 30, 16, nullptr}};
    c.constants.assign(fw::max_constants, 1);
    REQUIRE(c.start() == init_status::ok);
    c.deliver({word(9, 16, 15, 255)});
    for (int s = 0; s < 16; ++s) {
        c.step();
    }
    CHECK(c.core.state(255, 1023) == 9);
    CHECK(c.core.state(254, 1023) == 0);
}

TEST_CASE("kernel: a row delivered after step n with delay d is read in step n + d",
          "[firmware][kernel]") {
    for (std::uint32_t slots : {1u, 2u, 4u, 16u}) {
        for (std::uint32_t delay = 1; delay <= slots; ++delay) {
            // Start late enough that the ring has wrapped before the row is delivered.
            for (std::uint32_t after = 0; after <= 2 * slots + 1; after += slots + 1) {
                INFO("slots " << slots << ", delay " << delay << ", delivered after step "
                              << after);
                test_core c(echo_inputs, 3, 2, 2, slots);
                REQUIRE(c.start() == init_status::ok);
                for (std::uint32_t s = 0; s < after; ++s) {
                    c.step();
                }
                REQUIRE(c.core.step_number() == after);
                c.deliver({word(100, delay, 1, 2), word(-5, delay, 1, 2), word(3, delay, 0, 0)});
                for (std::uint32_t s = 1; s < delay; ++s) {
                    c.step();
                    CHECK(c.core.state(2, 1) == 0);
                    CHECK(c.core.state(0, 0) == 0);
                }
                c.step();
                CHECK(c.core.step_number() == after + delay);
                CHECK(c.core.state(2, 1) == 95);
                CHECK(c.core.state(0, 0) == 3);
                CHECK(c.core.state(1, 1) == 0);
                CHECK(c.core.state(2, 0) == 0);
                // The slot was cleared after it was read: a full turn of the ring later it is
                // empty.
                for (std::uint32_t s = 0; s < slots; ++s) {
                    c.step();
                    CHECK(c.core.state(2, 1) == 0);
                }
                CHECK(c.core.counters().delivered_words == 3);
            }
        }
    }
}

TEST_CASE("kernel: ring-buffer sums clamp to the int32 limits and count each clamp",
          "[firmware][kernel]") {
    test_core c(echo_inputs, 2, 2, 2, 2);
    REQUIRE(c.start() == init_status::ok);
    // 65538 × 32767 is 2^31 - 2, so the 65539th word clamps; 65536 × -32768 is exactly -2^31.
    const std::vector<std::uint32_t> up(70000, word(32767, 1, 0, 1));
    const std::vector<std::uint32_t> down(70000, word(-32768, 1, 1, 1));
    c.deliver(up);
    c.deliver(down);
    c.deliver({word(-1, 1, 0, 1), word(32767, 1, 1, 1)}); // away from the limit: no clamp
    CHECK(c.core.counters().input_overflows == (70000 - 65538) + (70000 - 65536));
    CHECK(c.core.counters().delivered_words == 140002);
    c.step();
    CHECK(c.core.state(1, 0) == std::numeric_limits<std::int32_t>::max() - 1);
    CHECK(c.core.state(1, 1) == std::numeric_limits<std::int32_t>::min() + 32767);
    CHECK(c.core.state(0, 0) == 0);
    CHECK(c.core.counters().saturations == 0); // input clamps are not the program's
}

TEST_CASE("kernel: words naming what the core lacks are dropped and counted",
          "[firmware][kernel]") {
    test_core c(echo_inputs, 3, 2, 2, 4);
    REQUIRE(c.start() == init_status::ok);
    c.deliver({
        word(1, 1, 0, 3),   // no neuron 3
        word(1, 1, 0, 255), // no neuron 255
        word(1, 1, 2, 0),   // no channel 2
        word(1, 1, 15, 0),  // no channel 15
        word(1, 5, 0, 0),   // no delay beyond 4 slots
        word(1, 16, 1, 1),
        word(7, 4, 1, 1), // the longest delay the core has
        word(2, 1, 0, 0),
    });
    CHECK(c.core.counters().dropped_words == 6);
    CHECK(c.core.counters().delivered_words == 2);
    std::vector<std::int32_t> seen;
    for (int s = 0; s < 8; ++s) {
        c.step();
        for (std::size_t n = 0; n < 3; ++n) {
            seen.push_back(c.core.state(n, 0));
            seen.push_back(c.core.state(n, 1));
        }
    }
    std::vector<std::int32_t> expected(48, 0);
    expected[0] = 2;         // step 1, neuron 0, channel 0
    expected[3 * 6 + 3] = 7; // step 4, neuron 1, channel 1
    CHECK(seen == expected);
    c.deliver({});
    CHECK(c.core.counters().dropped_words == 6);
}

TEST_CASE("kernel: spikes are reported in increasing neuron order", "[firmware][kernel]") {
    // A neuron spikes when its state word 0 plus its input is above zero; the state counts down.
    test_core c("lds r1, 0\nldin r2, 0\nadd r1, r1, r2\ncmpgt p1, r1, r0\n(p1) spike\nli r3, "
                "1\nsub r1, r1, r3\n"
                "sts 0, r1",
                10, 1, 1, 2);
    c.initial_state = {0, 2, 0, 0, 1, 0, 0, 0, 0, 3};
    REQUIRE(c.start() == init_status::ok);
    c.deliver({word(1, 1, 0, 7), word(2, 2, 0, 0)});
    CHECK(c.step() == std::vector<std::uint16_t>{1, 4, 7, 9});
    CHECK(c.step() == std::vector<std::uint16_t>{0, 1, 9});
    CHECK(c.step() == std::vector<std::uint16_t>{9});
    CHECK(c.step().empty());
    CHECK(c.core.counters().spikes == 8);
    SECTION("a buffer too small gets the lowest indices; the others are counted") {
        c.core.store_state(2, 0, 5);
        c.core.store_state(5, 0, 5);
        c.core.store_state(8, 0, 5);
        std::uint16_t two[2] = {0, 0};
        CHECK(c.core.step(two, 2) == 2);
        CHECK(two[0] == 2);
        CHECK(two[1] == 5);
        CHECK(c.core.counters().spikes == 11);
        CHECK(c.core.counters().unreported_spikes == 1);
        CHECK(c.core.step(nullptr, 0) == 0);
        CHECK(c.core.counters().unreported_spikes == 4);
    }
}

TEST_CASE("kernel: state words are read back and written between steps", "[firmware][kernel]") {
    test_core c("lds r1, 1\nli r2, 1\nadd r1, r1, r2\nsts 1, r1", 3, 2, 0, 1);
    c.initial_state = {10, 11, 20, 21, 30, 31};
    REQUIRE(c.start() == init_status::ok);
    CHECK(c.core.state(1, 0) == 20);
    CHECK(c.core.state(2, 1) == 31);
    c.step();
    CHECK(c.core.state(0, 1) == 12);
    CHECK(c.core.state(2, 1) == 32);
    CHECK(c.core.state(2, 0) == 30);
    const std::int32_t* slot = c.core.state_slot(1);
    REQUIRE(slot != nullptr);
    CHECK(std::vector<std::int32_t>(slot, slot + 3) == std::vector<std::int32_t>{12, 22, 32});
    CHECK(c.core.store_state(1, 1, -5));
    c.step();
    CHECK(c.core.state(1, 1) == -4);
    CHECK_FALSE(c.core.store_state(3, 0, 1));
    CHECK_FALSE(c.core.store_state(0, 2, 1));
    CHECK(c.core.state(3, 0) == 0);
    CHECK(c.core.state(0, 2) == 0);
    CHECK(c.core.state_slot(2) == nullptr);
    SECTION("without an initial state every word starts at zero") {
        c.initial_state.clear();
        REQUIRE(c.start() == init_status::ok);
        CHECK(c.core.state(2, 1) == 0);
        CHECK(c.core.step_number() == 0);
        CHECK(c.core.counters().steps == 0);
    }
}

TEST_CASE("kernel: a program fault stops that neuron only, and the first is reported",
          "[firmware][kernel]") {
    // Neurons whose state word 0 is above 1 read state word 5, which this core does not have.
    test_core c(
        "li r4, 9\nlds r1, 0\nli r2, 1\ncmpgt p1, r1, r2\n(p1) spike\n(p1) lds r3, 5\nsts 1, r4\n"
        "(!p1) ldc r3, 0\nspike",
        5, 2, 0, 1);
    c.initial_state = {0, 0, 3, 0, 1, 0, 2, 0, 0, 0};
    REQUIRE(c.start() == init_status::ok);
    CHECK(c.step() == std::vector<std::uint16_t>{1, 3}); // spikes before a fault stand
    for (std::size_t n = 0; n < 5; ++n) {
        INFO("neuron " << n);
        CHECK(c.core.state(n, 1) == (n == 1 || n == 3 ? 0 : 9));
    }
    // The others fault later, at ldc, which has no constants to read.
    const fw::fault_report& first = c.core.first_fault();
    CHECK(first.happened);
    CHECK(first.step == 1);
    CHECK(first.neuron == 0);
    CHECK(first.instruction == 7);
    CHECK(first.status == isa::run_status::constant_out_of_range);
    CHECK(c.core.counters().program_faults == 5);
    CHECK(c.core.counters().instructions == 2 * 6 + 3 * 8);
    CHECK(c.core.counters().neuron_updates == 5);
    c.core.store_state(0, 0, 5);
    c.step();
    CHECK(c.core.counters().program_faults == 10);
    CHECK(c.core.first_fault().step == 1); // the first stays
    CHECK(c.core.first_fault().neuron == 0);
}

TEST_CASE("kernel: the first fault of a step is its lowest neuron's", "[firmware][kernel]") {
    // Neurons with a positive state word fault at instruction 4, with a negative one already at 3.
    test_core c("lds r1, 0\ncmpgt p1, r1, r0\ncmpgt p2, r0, r1\n(p2) lds r2, 7\n(p1) lds r2, 9", 6,
                1, 0, 1);
    REQUIRE(c.start() == init_status::ok);
    c.step();
    CHECK_FALSE(c.core.first_fault().happened);
    c.core.store_state(2, 0, 1);
    c.core.store_state(4, 0, -1);
    c.step();
    CHECK(c.core.first_fault().happened);
    CHECK(c.core.first_fault().step == 2);
    CHECK(c.core.first_fault().neuron == 2);
    CHECK(c.core.first_fault().instruction == 4);
    CHECK(c.core.first_fault().status == isa::run_status::state_out_of_range);
    CHECK(c.core.counters().program_faults == 2);
}

TEST_CASE("kernel: steps before start-up do nothing", "[firmware][kernel]") {
    fw::kernel core;
    CHECK_FALSE(core.ready());
    std::uint16_t spiked[4];
    CHECK(core.step(spiked, 4) == 0);
    const std::uint32_t row[1] = {0};
    core.deliver(row, 1);
    CHECK(core.counters().steps == 0);
    CHECK(core.counters().delivered_words == 0);
    CHECK(core.step_number() == 0);
}

TEST_CASE("kernel: a core without neurons or program needs only its routing table",
          "[firmware][kernel]") {
    fw::core_config config;
    REQUIRE(fw::words_needed(config) == 256);
    std::vector<std::uint32_t> arena(256);
    fw::kernel core;
    CHECK(core.init(config, nullptr, 0) == init_status::arena_too_small);
    CHECK(core.init(config, arena.data(), arena.size()) == init_status::ok);
    CHECK(core.step(nullptr, 0) == 0);
    const std::uint32_t row[1] = {0};
    core.deliver(row, 1);
    CHECK(core.counters().steps == 1);
    CHECK(core.counters().dropped_words == 1);
}
