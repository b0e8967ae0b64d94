// The cycle-accurate board model against the functional emulator: the same values whenever
// nothing is late or lost, and counted differences when the board is overloaded.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <cmath>
#include <sstream>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/timed_board.hpp>

#include "emulator_support.hpp"
#include "random_networks.hpp"
#include "step_comparison.hpp"

namespace {

using namespace sf::emulator::test;
namespace mapper = sf::mapper;
using sf::emulator::functional_emulator;
using sf::emulator::timed_board;
using sf::emulator::timed_board_config;
using sf::emulator::timing_report;

// A board configuration slow enough that every step's work fits, whatever the network.
timed_board_config roomy() {
    timed_board_config config;
    config.speedup = 1e-3;
    return config;
}

struct timed_run {
    std::unique_ptr<functional_emulator> emulator;
    timed_board* board = nullptr;
};

timed_run start_timed(const std::vector<std::uint32_t>& words, const timed_board_config& config) {
    timed_run run;
    run.emulator = std::make_unique<functional_emulator>(
        words.data(), words.size(), sf::emulator::timed_board_maker(config, &run.board));
    return run;
}

// Steps both emulators through the whole run, comparing every step's spikes and every core's
// state words; returns the timed run's report.
timing_report compare_step_by_step(const std::vector<std::uint32_t>& words,
                                   const timed_board_config& config) {
    functional_emulator reference(words.data(), words.size());
    timed_run timed = start_timed(words, config);
    INFO(timed.emulator->problem());
    REQUIRE(timed.emulator->ready());
    REQUIRE(timed.board != nullptr);
    functional_emulator& ours = *timed.emulator;
    expect_same_steps(reference, ours);
    CHECK(ours.counters().cores.delivered_words == reference.counters().cores.delivered_words);
    const timing_report report = timed.board->report();
    CHECK(report.overruns == 0);
    CHECK(report.late_rows == 0);
    CHECK(report.dropped == 0);
    CHECK(report.steps == reference.steps());
    return report;
}

} // namespace

TEST_CASE("timed: conformance examples give the functional emulator's spikes and state words",
          "[emulator][timed]") {
    for (const char* example : {"LEMS_NML2_Ex0_IaF", "LEMS_NML2_Ex2_Izh", "LEMS_NML2_Ex12_Net2",
                                "LEMS_NML2_Ex21_CurrentBasedSynapses"}) {
        SECTION(example) {
            const std::vector<std::uint32_t> words =
                image_of(conformance_model(example), mapper::find_board("spinn5"));
            const timing_report report = compare_step_by_step(words, roomy());
            CHECK(report.cores.size() > 0);
        }
    }
}

TEST_CASE("timed: the bundled example gives the functional emulator's values",
          "[emulator][timed]") {
    const sf::lems::model model = sf::lems::load_model(
        {fs::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml"});
    timed_board_config config;
    config.speedup = 0.1;
    const timing_report report =
        compare_step_by_step(image_of(model, mapper::find_board("spinn5")), config);
    std::uint64_t packets = 0;
    for (const auto& core : report.cores) {
        packets += core.packets;
        CHECK(core.max_cycles <= report.budget);
    }
    CHECK(packets > 0);
}

TEST_CASE("timed: random networks over many chips give the functional emulator's values",
          "[emulator][timed]") {
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            temp_folder dir("sf_test_timed");
            const sf::lems::model model = load_text(dir, "random.xml", random_network(21, 24, 30));
            const timing_report report = compare_step_by_step(image_of(model, b.machine), roomy());
            CHECK(report.links.size() > 4);
            CHECK(report.router_cycles > 0);
        }
    }
}

namespace {

// The random network on the hexagonal board, whose links are hexagonal so emergency routes exist.
std::vector<std::uint32_t> hexagonal_image() {
    temp_folder dir("sf_test_timed");
    const sf::lems::model model = load_text(dir, "random.xml", random_network(21, 24, 30));
    return image_of(model, random_boards()[1].machine);
}

// Long steps, so that nothing is late however slow the links; links so slow and queues so short
// that packets wait, take emergency routes and are dropped.
timed_board_config congested() {
    timed_board_config config = roomy();
    config.link_packets_per_second = 2e4;
    config.timing.output_fifo = 1;
    config.timing.input_fifo = 1;
    config.timing.wait1_cycles = 8;
    config.timing.wait2_cycles = 8;
    return config;
}

struct finished_run {
    std::vector<std::vector<sf::emulator::spike>> spikes; // per step
    sf::emulator::functional_counters counters;
    timing_report report;
};

finished_run run_whole(const std::vector<std::uint32_t>& words, const timed_board_config& config) {
    timed_run timed = start_timed(words, config);
    INFO(timed.emulator->problem());
    REQUIRE(timed.emulator->ready());
    finished_run out;
    timed.emulator->run(0);
    for (std::uint64_t s = 0; s < timed.emulator->steps(); ++s) {
        timed.emulator->step();
        out.spikes.push_back(timed.emulator->last_spikes());
    }
    out.counters = timed.emulator->counters();
    out.report = timed.board->report();
    return out;
}

std::uint64_t functional_words(const std::vector<std::uint32_t>& words) {
    functional_emulator reference(words.data(), words.size());
    REQUIRE(reference.ready());
    reference.run(reference.steps());
    return reference.counters().cores.delivered_words;
}

} // namespace

TEST_CASE("timed: packets dropped with no room to re-inject are lost, and their words counted",
          "[emulator][timed]") {
    const std::vector<std::uint32_t> words = hexagonal_image();
    timed_board_config config = congested();
    config.timing.reinjection_queue = 0;
    const finished_run run = run_whole(words, config);
    const timing_report& r = run.report;
    INFO("waited, emergency " << r.emergency_routed << ", dropped " << r.dropped << ", lost "
                              << r.lost << ", missing words " << r.missing_words);
    CHECK(r.emergency_routed > 0);
    CHECK(r.dropped > 0);
    CHECK(r.lost == r.dropped);
    CHECK(r.reinjected == 0);
    CHECK(r.late_rows == 0);
    CHECK(r.missing_words > 0);
    // What the lost packets would have delivered is exactly what the run lacks.
    CHECK(run.counters.cores.delivered_words + r.missing_words == functional_words(words));
    std::uint64_t waited = 0;
    for (const auto& router : r.routers) {
        waited += router.waited;
        CHECK(router.output_high_water <= 1);
    }
    CHECK(waited >= r.dropped);
}

TEST_CASE("timed: the monitor re-injects dropped packets, and in long steps nothing is missing",
          "[emulator][timed]") {
    const std::vector<std::uint32_t> words = hexagonal_image();
    const finished_run run = run_whole(words, congested());
    const timing_report& r = run.report;
    INFO("dropped " << r.dropped << ", re-injected " << r.reinjected << ", lost " << r.lost);
    CHECK(r.dropped > 0);
    CHECK(r.reinjected == r.dropped);
    CHECK(r.lost == 0);
    CHECK(r.late_rows == 0);
    CHECK(run.counters.cores.delivered_words == functional_words(words));
}

TEST_CASE("timed: a board too fast for the network overruns its steps and adds rows late",
          "[emulator][timed]") {
    const std::vector<std::uint32_t> words = hexagonal_image();
    timed_board_config config;
    config.speedup = 100; // 1 us steps: 200 cycles, less than a tick
    timed_run timed = start_timed(words, config);
    REQUIRE(timed.emulator->ready());
    CHECK_FALSE(timed.board->warnings().empty());
    CHECK_THAT(timed.board->warnings().front(), Catch::Contains("neuron update alone takes") &&
                                                    Catch::Contains("than the step's 200"));
    timed.emulator->run(timed.emulator->steps());
    const timing_report r = timed.board->report();
    CHECK(r.overruns > 0);
    CHECK(r.late_rows > 0);
    CHECK(r.worst_load() > 1.0);
    CHECK_FALSE(r.real_time());
    CHECK_THAT(sf::emulator::real_time_verdict(r),
               Catch::StartsWith("does not run in real time") && Catch::Contains("lengthen"));
}

TEST_CASE("timed: the same image run twice gives the same spikes and the same report",
          "[emulator][timed]") {
    const std::vector<std::uint32_t> words = hexagonal_image();
    const finished_run a = run_whole(words, congested());
    const finished_run b = run_whole(words, congested());
    REQUIRE(a.spikes.size() == b.spikes.size());
    for (std::size_t s = 0; s < a.spikes.size(); ++s) {
        REQUIRE(a.spikes[s].size() == b.spikes[s].size());
        for (std::size_t k = 0; k < a.spikes[s].size(); ++k) {
            CHECK((a.spikes[s][k].core == b.spikes[s][k].core &&
                   a.spikes[s][k].neuron == b.spikes[s][k].neuron));
        }
    }
    std::ostringstream first, second;
    timing_report ra = a.report, rb = b.report;
    ra.wall_seconds = rb.wall_seconds = 0;
    sf::emulator::write_report(first, ra);
    sf::emulator::write_report(second, rb);
    CHECK(first.str() == second.str());
    CHECK(a.counters.cores.delivered_words == b.counters.cores.delivered_words);
}

TEST_CASE("timed: a core without input takes exactly the timing model's cycles per step",
          "[emulator][timed]") {
    const std::vector<std::uint32_t> words =
        image_of(conformance_model("LEMS_NML2_Ex0_IaF"), mapper::find_board("spinn5"));
    const timed_board_config config = roomy();
    const finished_run run = run_whole(words, config);
    // Every core's program, from the image.
    sf::firmware::image::sections walk(words.data(), words.size());
    sf::firmware::image::section_view s;
    std::size_t index = 0;
    while (walk.next(s)) {
        if (s.kind != sf::firmware::image::section_kind::core) {
            continue;
        }
        sf::firmware::image::cursor c(s.payload, s.payload + s.length);
        sf::firmware::image::core_view core;
        sf::firmware::image::read_core(c, core);
        const std::uint64_t program = sf::firmware::timing::program_cycles(
            core.program, core.program_words, config.timing.rand_cycles);
        CHECK(program >= core.program_words);
        std::uint64_t expected = 0;
        for (const auto& step : run.spikes) {
            std::uint64_t spikes = 0;
            for (const auto& sp : step) {
                spikes += sp.core == index ? 1 : 0;
            }
            expected +=
                sf::firmware::timing::step_cycles(config.timing, program, core.neurons, spikes);
        }
        const auto& line = run.report.cores[index];
        REQUIRE(line.packets == 0);
        CHECK(std::llround(line.mean_cycles * static_cast<double>(run.spikes.size())) ==
              static_cast<long long>(expected));
        ++index;
    }
    CHECK(index == run.report.cores.size());
}

TEST_CASE("timed: a step shorter than a cycle and an unknown trace signal are refused",
          "[emulator][timed]") {
    const std::vector<std::uint32_t> words = hexagonal_image();
    timed_board_config fast;
    fast.speedup = 1e6;
    functional_emulator refused(words.data(), words.size(), sf::emulator::timed_board_maker(fast));
    CHECK_FALSE(refused.ready());
    CHECK_THAT(refused.problem(), Catch::Contains("lasts less than one cycle"));

    timed_board_config traced = roomy();
    traced.trace_file = "never_written.vcd";
    traced.trace_signals = {"chip_9_9.router.*"};
    functional_emulator unknown(words.data(), words.size(),
                                sf::emulator::timed_board_maker(traced));
    CHECK_FALSE(unknown.ready());
    CHECK_THAT(unknown.problem(), Catch::Contains("no signal is named 'chip_9_9.router.*'"));
    CHECK_FALSE(fs::exists("never_written.vcd"));
}
