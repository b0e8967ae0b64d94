// The RTL neuron core (rtl/core/sf_core.sv) against the firmware kernel and run_program: the
// lockstep checker on mapped images and on random programs, and directed corner cases.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <Vsf_core.h>
#include <verilated.h>

#include <sf/emulator/core_lockstep.hpp>
#include <sf/emulator/functional.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/rtl_core.hpp>
#include <sf/firmware/timing.hpp>

#include "random_networks.hpp"
#include "random_programs.hpp"

// The harness's own way to make, free and write the coverage of a Verilated model, for a test
// that drives the core's ports itself.
#include "../../emulator/src/rtl_coverage.hpp"
#include "../../emulator/src/verilated_context.hpp"

namespace {

namespace fs = std::filesystem;
namespace isa = sf::firmware::isa;
using sf::emulator::core_lockstep;
using sf::emulator::rtl_core;
using sf::emulator::test::section_data;
using sf::emulator::test::word_of;

using sf::emulator::test::conformance_model;
using sf::emulator::test::image_of;

// An image run by the functional emulator with every core a kernel and an RTL core in lockstep;
// fails at the first difference, naming it.
void run_image_in_lockstep(const std::vector<std::uint32_t>& words, std::uint64_t max_steps) {
    std::vector<core_lockstep*> pairs;
    sf::emulator::board_maker make = [&pairs](sf::emulator::board_parts& parts,
                                              std::string& problem) {
        std::vector<std::unique_ptr<sf::emulator::neuron_core>> cores;
        for (const auto& section : parts.core_sections) {
            auto pair = std::make_unique<core_lockstep>(
                section, sf::firmware::timing::board_timing{}, fs::temp_directory_path().string());
            if (!pair->ready()) {
                problem = pair->problem();
                return std::unique_ptr<sf::emulator::board_stepper>();
            }
            pairs.push_back(pair.get());
            cores.push_back(std::move(pair));
        }
        return std::unique_ptr<sf::emulator::board_stepper>(
            std::make_unique<sf::emulator::lockstep_board>(std::move(cores), *parts.network));
    };
    sf::emulator::functional_emulator emulator(words.data(), words.size(), make);
    INFO(emulator.problem());
    REQUIRE(emulator.ready());
    REQUIRE(!pairs.empty());
    const std::uint64_t steps = std::min(emulator.steps(), max_steps);
    std::uint64_t spikes = 0;
    for (std::uint64_t s = 0; s < steps; ++s) {
        emulator.step();
        spikes += emulator.last_spikes().size();
        for (std::size_t c = 0; c < pairs.size(); ++c) {
            INFO("core " << c);
            REQUIRE(pairs[c]->difference().text() == "no difference");
        }
    }
    for (const core_lockstep* pair : pairs) {
        CHECK(pair->steps_compared() == steps);
    }
    INFO("spikes " << spikes);
    CHECK(steps > 0);
}

} // namespace

TEST_CASE("rtl core: conformance examples run in lockstep with the kernel", "[rtl][emulator]") {
    using namespace sf::emulator::test;
    // Every example of the corpus that maps onto a board, for its first 200 steps.
    for (const char* example : mappable_examples()) {
        SECTION(example) {
            run_image_in_lockstep(
                image_of(conformance_model(example), sf::mapper::find_board("spinn5")), 200);
        }
    }
}

TEST_CASE("rtl core: the user-defined LEMS cell runs in lockstep with the kernel",
          "[rtl][emulator]") {
    using namespace sf::emulator::test;
    // examples/user_defined: an exponential integrate-and-fire cell, a ramp current and a current
    // synapse written in LEMS, none of them a NeuroML core type; its exponential is a table.
    const sf::lems::model model = sf::lems::load_model(
        {fs::path(SF_EXAMPLES_DIR) / "user_defined" / "LEMS_eif_user_defined.xml"});
    run_image_in_lockstep(image_of(model, sf::mapper::find_board("spinn5")), 2000);
}

TEST_CASE("rtl core: the bundled example runs in lockstep with the kernel", "[rtl][emulator]") {
    using namespace sf::emulator::test;
    const sf::lems::model model = sf::lems::load_model(
        {fs::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml"});
    run_image_in_lockstep(image_of(model, sf::mapper::find_board("spinn5")), 100);
}

TEST_CASE("rtl core: random networks run in lockstep with the kernel", "[rtl][emulator]") {
    using namespace sf::emulator::test;
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            temp_folder dir("sf_test_rtl_core");
            const sf::lems::model model = load_text(dir, "random.xml", random_network(21, 24, 30));
            run_image_in_lockstep(image_of(model, b.machine), 150);
        }
    }
}

namespace {

std::uint64_t environment_number(const char* name, std::uint64_t otherwise) {
    const char* text = std::getenv(name);
    return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 0) : otherwise;
}

// One random section for `steps` steps: the RTL and the kernel in lockstep, and run_program on
// the generator's own copy of the inputs.
void check_random_section(std::mt19937& random, std::uint64_t steps,
                          const sf::firmware::timing::board_timing& timing) {
    const section_data section = sf::emulator::test::random_section(random);
    core_lockstep pair(section.view(), timing);
    INFO(pair.problem());
    REQUIRE(pair.ready());
    sf::emulator::test::reference_core reference(section);
    for (std::uint64_t s = 0; s < steps; ++s) {
        std::vector<std::vector<std::uint32_t>> rows;
        for (std::uint32_t r = 0, n = static_cast<std::uint32_t>(random() % 3); r < n; ++r) {
            rows.push_back(sf::emulator::test::random_row(random, section));
            reference.deliver(rows.back());
        }
        REQUIRE(pair.step(rows).text() == "no difference");
        REQUIRE(pair.last_spikes() == reference.step());
        for (std::size_t n = 0; n < section.neurons; ++n) {
            for (std::size_t w = 0; w < section.state_words; ++w) {
                INFO("neuron " << n << " slot " << w);
                REQUIRE(pair.rtl().state(n, w) == reference.state(n, w));
            }
        }
        REQUIRE(pair.counters().saturations == reference.saturations());
    }
}

} // namespace

TEST_CASE("rtl core: random programs give run_program's and the kernel's results", "[rtl]") {
    const std::uint64_t seed = environment_number("SF_RTL_SEED", 20240611);
    const std::uint64_t programs = environment_number("SF_RTL_PROGRAMS", 400);
    for (std::uint64_t p = 0; p < programs; ++p) {
        // Each program has its own seed, so that a failure replays alone.
        const std::uint64_t program_seed = seed + p;
        INFO("replay with SF_RTL_SEED=" << program_seed << " SF_RTL_PROGRAMS=1");
        std::mt19937 random(static_cast<std::uint32_t>(program_seed));
        // The board's default timing, the tightest the sequencer takes, and a slow rand.
        sf::firmware::timing::board_timing timing;
        if (program_seed % 3 == 1) {
            timing.tick_cycles = 4;
            timing.neuron_cycles = 3;
            timing.spike_cycles = 1;
            timing.rand_cycles = 1;
        } else if (program_seed % 3 == 2) {
            timing.rand_cycles = 6;
        }
        check_random_section(random, 8, timing);
    }
}

namespace {

using isa::opcode;

isa::instruction op(opcode code, std::uint8_t rd = 0, std::uint8_t ra = 0, std::uint8_t rb = 0,
                    std::uint16_t index = 0) {
    isa::instruction i;
    i.op = code;
    i.rd = rd;
    i.ra = ra;
    i.rb = rb;
    i.index = index;
    return i;
}

isa::instruction guarded(isa::instruction i, std::uint8_t predicate, bool negate = false) {
    i.predicate = predicate;
    i.negate = negate;
    return i;
}

isa::instruction load_immediate(std::uint8_t rd, std::int32_t value) {
    isa::instruction i = op(opcode::li, rd);
    i.immediate = value;
    return i;
}

section_data section_of(const std::vector<isa::instruction>& program, std::uint32_t neurons,
                        std::uint32_t state_words) {
    section_data s;
    for (const isa::instruction& i : program) {
        s.program.push_back(word_of(i));
    }
    s.neurons = neurons;
    s.state_words = state_words;
    s.state.assign(neurons * state_words, 0);
    s.input_channels = 1;
    s.delay_slots = 16;
    return s;
}

// Steps a pair `steps` times without rows, requiring no difference.
void step_pair(core_lockstep& pair, std::uint64_t steps) {
    INFO(pair.problem());
    REQUIRE(pair.ready());
    for (std::uint64_t s = 0; s < steps; ++s) {
        REQUIRE(pair.step({}).text() == "no difference");
    }
}

constexpr std::int32_t int32_max = 2147483647;
constexpr std::int32_t int32_min = -2147483647 - 1;

} // namespace

TEST_CASE("rtl core: saturation both ways, table clamps at both ends", "[rtl]") {
    section_data s = section_of(
        {op(opcode::ldc, 1, 0, 0, 0), op(opcode::ldc, 2, 0, 0, 1), op(opcode::add, 3, 1, 1),
         op(opcode::sub, 4, 2, 1), op(opcode::shl, 5, 1, 0, 31), op(opcode::shl, 6, 2, 0, 1),
         op(opcode::mul, 7, 1, 1, 0), op(opcode::mul, 8, 1, 2, 0), op(opcode::lut, 9, 1, 0, 0),
         op(opcode::lut, 10, 2, 0, 0), op(opcode::sts, 0, 3, 0, 0), op(opcode::sts, 0, 4, 0, 1),
         op(opcode::sts, 0, 5, 0, 2), op(opcode::sts, 0, 6, 0, 3), op(opcode::sts, 0, 7, 0, 4),
         op(opcode::sts, 0, 8, 0, 5), op(opcode::sts, 0, 9, 0, 6), op(opcode::sts, 0, 10, 0, 7)},
        3, 8);
    s.constants = {static_cast<std::uint32_t>(int32_max), static_cast<std::uint32_t>(int32_min)};
    s.add_table(-100, 4, 1, {7, 50, 93});
    core_lockstep pair(s.view());
    step_pair(pair, 2);
    const std::int32_t expected[] = {int32_max, int32_min, int32_max, int32_min,
                                     int32_max, int32_min, 93,        7};
    for (std::size_t slot = 0; slot < 8; ++slot) {
        INFO("slot " << slot);
        CHECK(pair.rtl().state(2, slot) == expected[slot]);
    }
    // add, sub, two shl, two mul, two lut inputs, per neuron and step.
    CHECK(pair.rtl().counters().saturations == 8 * 3 * 2);
}

TEST_CASE("rtl core: a threshold met with equality, a refractory counter", "[rtl]") {
    // Slot 0 counts down; at zero the neuron spikes (cmpge on equality) and it restarts at 3.
    section_data s = section_of(
        {op(opcode::lds, 1, 0, 0, 0), load_immediate(2, 0), guarded(op(opcode::cmpge, 1, 2, 1), 0),
         guarded(op(opcode::spike), 1), load_immediate(3, 1), op(opcode::sub, 1, 1, 3),
         guarded(load_immediate(1, 3), 1), op(opcode::sts, 0, 1, 0, 0), op(opcode::cmpgt, 2, 2, 2),
         guarded(op(opcode::spike), 2)},
        2, 1);
    s.state = {0, 2};
    core_lockstep pair(s.view());
    std::vector<std::vector<std::uint16_t>> spikes;
    for (int step = 0; step < 8; ++step) {
        REQUIRE(pair.step({}).text() == "no difference");
        spikes.push_back(pair.last_spikes());
    }
    using list = std::vector<std::uint16_t>;
    CHECK(spikes == std::vector<list>{{0}, {}, {1}, {}, {0}, {}, {1}, {}});
}

TEST_CASE("rtl core: all 16 input channels of a slot, sums that overflow both ways", "[rtl]") {
    std::vector<isa::instruction> program;
    for (std::uint16_t c = 0; c < 16; ++c) {
        program.push_back(op(opcode::ldin, static_cast<std::uint8_t>(c), 0, 0, c));
        program.push_back(op(opcode::sts, 0, static_cast<std::uint8_t>(c), 0, c));
    }
    section_data s = section_of(program, 4, 16);
    s.input_channels = 16;
    core_lockstep pair(s.view());
    REQUIRE(pair.ready());
    std::vector<std::uint32_t> row;
    for (std::uint32_t c = 0; c < 16; ++c) {
        sf::firmware::synapse::fields f;
        f.target = 3;
        f.channel = c;
        f.delay = 1;
        f.weight =
            c % 2 == 0 ? sf::firmware::synapse::max_weight : sf::firmware::synapse::min_weight;
        std::uint32_t word = 0;
        REQUIRE(sf::firmware::synapse::encode(f, word));
        row.push_back(word);
    }
    // 2^31 / 2^15 = 65536 words per channel reach the limit; 70000 rows pass it.
    std::vector<std::vector<std::uint32_t>> rows(70000, row);
    REQUIRE(pair.step(rows).text() == "no difference");
    for (std::size_t c = 0; c < 16; ++c) {
        CHECK(pair.rtl().state(3, c) == (c % 2 == 0 ? int32_max : int32_min));
    }
    REQUIRE(pair.step({}).text() == "no difference");
    CHECK(pair.rtl().state(3, 0) == 0); // the slot was cleared after it was read
    CHECK(pair.rtl().counters().input_overflows > 0);
    CHECK(pair.rtl().counters().input_overflows == pair.counters().input_overflows);
}

TEST_CASE("rtl core: a stalled spike port adds its stall to the step, values unchanged", "[rtl]") {
    const section_data s = section_of({op(opcode::spike)}, 5, 1);
    sf::firmware::timing::board_timing timing;
    rtl_core free_running(s.view(), timing);
    rtl_core stalled(s.view(), timing);
    REQUIRE(free_running.ready());
    stalled.set_spike_ready([](std::uint64_t cycle) { return cycle % 37 == 0; });
    std::uint16_t a[8] = {};
    std::uint16_t b[8] = {};
    const std::uint64_t expected = sf::firmware::timing::step_cycles(timing, 1, 5, 5);
    for (int step = 0; step < 3; ++step) {
        REQUIRE(free_running.step(a, 8) == 5);
        REQUIRE(stalled.step(b, 8) == 5);
        CHECK(std::vector<std::uint16_t>(a, a + 5) == std::vector<std::uint16_t>(b, b + 5));
        CHECK(free_running.last_step_cycles() == expected);
    }
    CHECK(stalled.spike_stall_cycles() > 0);
    CHECK(free_running.spike_stall_cycles() == 0);
    CHECK(stalled.cycles() - free_running.cycles() == stalled.spike_stall_cycles());
    CHECK(stalled.counters().spikes == 15);
}

TEST_CASE("rtl core: a tick while a step runs is counted and ignored", "[rtl]") {
    const section_data s = section_of({op(opcode::lds, 1, 0, 0, 0), load_immediate(2, 1),
                                       op(opcode::add, 1, 1, 2), op(opcode::sts, 0, 1, 0, 0)},
                                      3, 1);
    rtl_core core(s.view());
    REQUIRE(core.ready());
    std::uint16_t spikes[4] = {};
    core.start_step();
    core.run_cycles(20);
    REQUIRE(core.stepping());
    core.start_step(); // ignored: the step goes on
    core.finish_step(spikes, 4);
    CHECK(core.overruns() == 1);
    CHECK(core.counters().steps == 1);
    CHECK(core.step_number() == 1);
    CHECK(core.state(2, 0) == 1);
    CHECK(core.last_step_cycles() == sf::firmware::timing::step_cycles({}, 4, 3, 0));
}

TEST_CASE("rtl core: a reset in the middle of a step, then a reload, equals a fresh run", "[rtl]") {
    std::mt19937 random(77);
    const section_data s = sf::emulator::test::random_section(random);
    std::vector<std::vector<std::uint32_t>> rows;
    for (int r = 0; r < 6; ++r) {
        rows.push_back(sf::emulator::test::random_row(random, s));
    }
    auto run = [&](rtl_core& core) {
        std::vector<std::uint16_t> all;
        std::uint16_t spikes[8] = {};
        for (const auto& row : rows) {
            core.deliver(row.data(), row.size());
            const std::size_t n = core.step(spikes, 8);
            all.insert(all.end(), spikes, spikes + n);
        }
        return all;
    };
    rtl_core fresh(s.view());
    REQUIRE(fresh.ready());
    const std::vector<std::uint16_t> expected = run(fresh);
    rtl_core interrupted(s.view());
    interrupted.deliver(rows[0].data(), rows[0].size());
    interrupted.start_step();
    interrupted.run_cycles(450);
    REQUIRE(interrupted.stepping());
    interrupted.reset();
    CHECK(!interrupted.stepping());
    CHECK(interrupted.counters().steps == 0);
    interrupted.reload();
    CHECK(run(interrupted) == expected);
    for (std::size_t n = 0; n < s.neurons; ++n) {
        for (std::size_t w = 0; w < s.state_words; ++w) {
            CHECK(interrupted.state(n, w) == fresh.state(n, w));
        }
    }
    const auto& a = interrupted.counters();
    const auto& b = fresh.counters();
    CHECK(a.saturations == b.saturations);
    CHECK(a.delivered_words == b.delivered_words);
    CHECK(a.instructions == b.instructions);
}

TEST_CASE("rtl core: a damaged section is refused before it runs, by the kernel and the RTL",
          "[rtl]") {
    SECTION("a word that is not an instruction") {
        section_data s = section_of({op(opcode::nop), op(opcode::nop), op(opcode::spike)}, 2, 1);
        s.program[2] = 0x3F800000u; // opcode 63
        rtl_core core(s.view());
        CHECK(core.status() == sf::firmware::init_status::bad_instruction);
        CHECK(!core.ready());
        CHECK(core.problem() ==
              "the kernel refuses the section: a program word is not an instruction");
        CHECK(core.refusal().load_error);
        CHECK(core.refusal().load_code == 1);
        CHECK(core.refusal().load_index == 2);
        CHECK(core.refusal().decode_status ==
              static_cast<unsigned>(isa::decode_status::unknown_opcode));
        std::uint16_t spikes[2] = {};
        CHECK(core.step(spikes, 2) == 0);
        CHECK(core.counters().steps == 0);
    }
    SECTION("every way a word fails to decode, with the kernel's reason") {
        const auto word = [](opcode code, std::uint32_t rd, std::uint32_t ra, std::uint32_t rb,
                             std::uint32_t low) {
            return std::uint32_t{static_cast<std::uint8_t>(code)} << 23 | rd << 19 | ra << 15 |
                   rb << 11 | low;
        };
        const std::pair<std::uint32_t, isa::decode_status> cases[] = {
            {word(opcode::nop, 1, 0, 0, 0), isa::decode_status::unused_field_set},
            {word(opcode::add, 1, 2, 3, 5), isa::decode_status::unused_field_set},
            {word(opcode::sel, 1, 2, 3, 4), isa::decode_status::unused_field_set},
            {word(opcode::lds, 1, 0, 0, 2047), isa::decode_status::index_out_of_range},
            {word(opcode::shl, 1, 2, 0, 32), isa::decode_status::index_out_of_range},
            {word(opcode::cmpgt, 0, 1, 2, 0), isa::decode_status::writes_p0},
            {word(opcode::sel, 1, 2, 3, 0), isa::decode_status::writes_p0},
        };
        for (const auto& [bad, reason] : cases) {
            INFO("word 0x" << std::hex << bad);
            isa::instruction decoded;
            REQUIRE(isa::decode(bad, decoded) == reason);
            section_data s = section_of({op(opcode::nop), op(opcode::nop)}, 2, 1);
            s.program[1] = bad;
            rtl_core core(s.view());
            CHECK(core.status() == sf::firmware::init_status::bad_instruction);
            CHECK(core.refusal().load_error);
            CHECK(core.refusal().load_code == 1);
            CHECK(core.refusal().load_index == 1);
            CHECK(core.refusal().decode_status == static_cast<unsigned>(reason));
        }
    }
    SECTION("a table descriptor outside the limits") {
        section_data s = section_of({op(opcode::lut, 1, 1, 0, 0)}, 2, 1);
        s.add_table(0, 31, 0, {1, 2});
        rtl_core core(s.view());
        CHECK(core.status() == sf::firmware::init_status::bad_table);
        CHECK(core.refusal().config_error);
        CHECK(core.refusal().config_code == 9);
        CHECK(!core.refusal().load_error);
        core.start_step();
        CHECK(!core.stepping());
    }
}

TEST_CASE("rtl core: what the RTL core lacks is refused with the reason", "[rtl]") {
    const auto refused = [](const section_data& s, const sf::firmware::timing::board_timing& t) {
        rtl_core core(s.view(), t);
        CHECK(core.status() == sf::firmware::init_status::ok);
        CHECK(!core.ready());
        // The RTL refuses a tick for what it refuses itself; analog timing is the harness's.
        core.start_step();
        CHECK(core.stepping() == !core.refusal().refused());
        return core.problem();
    };
    const sf::firmware::timing::board_timing defaults;
    section_data big_state = section_of({op(opcode::nop)}, 20, 1000);
    CHECK(refused(big_state, defaults) ==
          "state memory: 20 neurons x 1000 words = 20000 words, the RTL core has 16384");
    section_data big_table = section_of({op(opcode::nop)}, 1, 1);
    big_table.add_table(0, 0, 14, std::vector<std::int32_t>((1u << 14) + 1, 5));
    CHECK(refused(big_table, defaults) == "table memory: 16385 samples, the RTL core has 8192");
    const section_data small = section_of({op(opcode::nop)}, 1, 1);
    sf::firmware::timing::board_timing t = defaults;
    t.neuron_cycles = 2;
    CHECK(refused(small, t) ==
          "neuron_cycles: 2, fewer than the 3 cycles the pipeline needs to drain");
    t = defaults;
    t.tick_cycles = 3;
    CHECK(refused(small, t) ==
          "tick_cycles: 3, fewer than the 4 cycles a step needs before its first neuron");
    t = defaults;
    t.spike_cycles = 0;
    CHECK(refused(small, t) ==
          "spike_cycles: 0, the spike port needs at least one cycle per spike");
    t = defaults;
    t.rand_cycles = 0;
    CHECK(refused(small, t) == "rand_cycles: 0, rand needs at least one cycle in decode");
    t = defaults;
    t.analog_neurons = true;
    CHECK(refused(small, t) == "analog neurons: the RTL core runs a program for every neuron");
}

TEST_CASE("rtl core: the lockstep checker reports a difference with an FST of the cycles before",
          "[rtl]") {
    using namespace sf::emulator::test;
    temp_folder dir("sf_test_rtl_lockstep");
    const section_data s = section_of({op(opcode::spike)}, 3, 1);
    core_lockstep pair(s.view(), {}, dir.path().string(), 300);
    REQUIRE(pair.ready());
    step_pair(pair, 2);
    // A consumer that takes spikes only every 50th cycle stretches the step past step_cycles.
    pair.rtl().set_spike_ready([](std::uint64_t cycle) { return cycle % 50 == 0; });
    const sf::emulator::lockstep_difference& d = pair.step({});
    REQUIRE(d.found);
    CHECK(d.step == 3);
    CHECK(d.what == "cycles");
    CHECK(d.kernel == std::to_string(sf::firmware::timing::step_cycles({}, 1, 3, 3)));
    CHECK(d.rtl != d.kernel);
    REQUIRE(!d.trace.empty());
    CHECK(fs::file_size(d.trace) > 100);
    CHECK(d.text().find("after step 3: cycles: kernel ") == 0);
    CHECK(d.text().find(d.trace) != std::string::npos);
    // Once different, the pair stops comparing.
    pair.step({});
    CHECK(pair.steps_compared() == 3);
}

TEST_CASE("rtl core: cores made one after another, and side by side, from one section", "[rtl]") {
    const section_data s = section_of({op(opcode::lds, 1, 0, 0, 0), load_immediate(2, 1),
                                       op(opcode::add, 1, 1, 2), op(opcode::sts, 0, 1, 0, 0)},
                                      3, 1);
    std::uint16_t spikes[4] = {};
    {
        rtl_core first(s.view());
        REQUIRE(first.ready());
        first.step(spikes, 4);
    }
    std::vector<std::unique_ptr<rtl_core>> cores;
    for (int k = 0; k < 3; ++k) {
        cores.push_back(std::make_unique<rtl_core>(s.view()));
        INFO("core " << k << ": " << cores.back()->problem());
        REQUIRE(cores.back()->ready());
    }
    for (int k = 0; k < 2; ++k) {
        for (const auto& core : cores) {
            core->step(spikes, 4);
        }
    }
    cores.erase(cores.begin() + 1);
    for (const auto& core : cores) {
        core->step(spikes, 4);
        CHECK(core->state(2, 0) == 3);
    }
}

TEST_CASE("rtl core: each section the kernel refuses, the RTL refuses with its code", "[rtl]") {
    struct refused_case {
        const char* what;
        section_data section;
        unsigned code; // sf_core_pkg::CONFIG_*
    };
    std::vector<refused_case> cases;
    cases.push_back({"257 neurons", section_of({op(opcode::nop)}, 257, 1), 1});
    cases.push_back({"1025 state words", section_of({op(opcode::nop)}, 1, 1025), 2});
    cases.push_back({"17 input channels", section_of({op(opcode::nop)}, 1, 1), 4});
    cases.back().section.input_channels = 17;
    cases.push_back({"3 delay slots", section_of({op(opcode::nop)}, 1, 1), 5});
    cases.back().section.delay_slots = 3;
    cases.push_back(
        {"4097 program words", section_of(std::vector(4097, op(opcode::nop)), 1, 1), 6});
    cases.push_back({"1025 constants", section_of({op(opcode::nop)}, 1, 1), 7});
    cases.back().section.constants.assign(1025, 0);
    cases.push_back({"17 tables", section_of({op(opcode::nop)}, 1, 1), 8});
    for (int t = 0; t < 17; ++t) {
        cases.back().section.add_table(0, 0, 0, {1, 2});
    }
    for (const refused_case& c : cases) {
        INFO(c.what);
        rtl_core core(c.section.view());
        CHECK(core.status() != sf::firmware::init_status::ok);
        CHECK(!core.ready());
        CHECK(core.refusal().config_error);
        CHECK(core.refusal().config_code == c.code);
        // A tick is refused while the configuration is.
        core.start_step();
        CHECK(!core.stepping());
        CHECK(core.counters().steps == 0);
    }
}

namespace {

// The Verilated core without the harness, for what the harness never sends: a load beyond its
// region's memory or to a region that does not exist. Writes its coverage as the harness does.
class bare_core {
public:
    bare_core() {
        top_->clk = 0;
        top_->rst_n = 1;
        top_->tick = 0;
        top_->spike_ready = 1;
        top_->syn_valid = 0;
        top_->load_valid = 0;
    }
    ~bare_core() {
        top_->final();
        sf::emulator::write_rtl_coverage(*context_, "core");
        sf::emulator::free_in_context(context_, [this] { top_.reset(); });
    }
    bare_core(const bare_core&) = delete;
    bare_core& operator=(const bare_core&) = delete;

    void clock() {
        top_->clk = 0;
        top_->eval();
        top_->clk = 1;
        top_->eval();
    }
    void reset() {
        top_->rst_n = 0;
        clock();
        top_->rst_n = 1;
    }
    // One word, then a cycle for the registered port to act on it.
    void load(unsigned region, std::uint32_t address) {
        top_->load_valid = 1;
        top_->load_region = static_cast<CData>(region);
        top_->load_addr = address;
        top_->load_data = 0;
        clock();
        top_->load_valid = 0;
        clock();
    }
    const Vsf_core& top() const { return *top_; }

private:
    std::unique_ptr<VerilatedContext> context_ = sf::emulator::randomised_context();
    std::unique_ptr<Vsf_core> top_ = std::make_unique<Vsf_core>(context_.get(), "core");
};

} // namespace

TEST_CASE("rtl core: a load beyond its region or to no region is refused with its code", "[rtl]") {
    bare_core core;
    core.reset();
    CHECK(core.top().load_error == 0);
    core.load(1, 4096); // the program memory has 4096 words
    CHECK(core.top().load_error == 1);
    CHECK(core.top().load_error_code == 2);
    CHECK(core.top().load_error_index == 4096);
    core.load(6, 0); // the first refusal is kept
    CHECK(core.top().load_error_code == 2);
    core.reset();
    CHECK(core.top().load_error == 0);
    core.load(6, 0); // regions end at 5
    CHECK(core.top().load_error == 1);
    CHECK(core.top().load_error_code == 3);
}
