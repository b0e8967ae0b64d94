// The cycle-accurate board model against the functional emulator: the same values whenever
// nothing is late or lost, and counted differences when the board is overloaded.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/timed_board.hpp>

#include "emulator_support.hpp"
#include "random_networks.hpp"

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

std::vector<std::uint32_t> image_of(const sf::lems::model& model, const mapper::board& machine) {
    return mapper::encode_image(mapper::map_network(flatten_here(model), machine, quick_options()));
}

// Steps both emulators through the whole run, comparing every step's spikes and every core's
// state words; returns the timed run's report.
timing_report compare_step_by_step(const std::vector<std::uint32_t>& words,
                                   const timed_board_config& config) {
    functional_emulator reference(words.data(), words.size());
    timed_run timed = start_timed(words, config);
    INFO(timed.emulator->problem());
    REQUIRE(reference.ready());
    REQUIRE(timed.emulator->ready());
    REQUIRE(timed.board != nullptr);
    functional_emulator& ours = *timed.emulator;
    REQUIRE(ours.core_count() == reference.core_count());
    ours.run(0);
    reference.run(0);
    for (std::uint64_t s = 0; s < reference.steps(); ++s) {
        reference.step();
        ours.step();
        INFO("step " << s + 1);
        const auto& a = reference.last_spikes();
        const auto& b = ours.last_spikes();
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
            REQUIRE((a[k].core == b[k].core && a[k].neuron == b[k].neuron));
        }
        {
            const timing_report r = timed.board->report();
            INFO("late " << r.late_rows << " dropped " << r.dropped << " hop " << r.hop_limited
                         << " held " << ours.counters().held_rows << " vs "
                         << reference.counters().held_rows << " looped " << ours.counters().looped
                         << " unmatched " << ours.counters().unmatched_keys);
            REQUIRE(ours.counters().cores.delivered_words ==
                    reference.counters().cores.delivered_words);
        }
        for (std::size_t c = 0; c < reference.core_count(); ++c) {
            const auto& core = reference.core(c);
            for (std::size_t n = 0; n < core.neuron_count(); ++n) {
                for (std::size_t slot = 0; slot < 32; ++slot) {
                    if (core.state(n, slot) != ours.core(c).state(n, slot)) {
                        FAIL("core " << c << " neuron " << n << " slot " << slot << ": "
                                     << core.state(n, slot) << " against "
                                     << ours.core(c).state(n, slot));
                    }
                }
            }
        }
    }
    CHECK(ours.counters().cores.delivered_words == reference.counters().cores.delivered_words);
    const timing_report report = timed.board->report();
    CHECK(report.overruns == 0);
    CHECK(report.late_rows == 0);
    CHECK(report.dropped == 0);
    CHECK(report.steps == reference.steps());
    return report;
}

sf::lems::model conformance_model(const std::string& example) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const fs::path file = *corpus / "derived" / (example + ".ref.xml");
    REQUIRE(fs::is_regular_file(file));
    return sf::lems::load_model({file});
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
