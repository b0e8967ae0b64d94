// The RTL neuron core (rtl/core/sf_core.sv) against the firmware kernel and run_program: the
// lockstep checker on mapped images and on random programs, and directed corner cases.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/core_lockstep.hpp>
#include <sf/emulator/functional.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/rtl_core.hpp>
#include <sf/firmware/timing.hpp>

#include "random_networks.hpp"
#include "random_programs.hpp"

namespace {

namespace fs = std::filesystem;
namespace isa = sf::firmware::isa;
using sf::emulator::core_lockstep;
using sf::emulator::rtl_core;
using sf::emulator::test::section_data;
using sf::emulator::test::word_of;

std::vector<std::uint32_t> image_of(const sf::lems::model& model,
                                    const sf::mapper::board& machine) {
    using namespace sf::emulator::test;
    return sf::mapper::encode_image(
        sf::mapper::map_network(flatten_here(model), machine, quick_options()));
}

// A conformance example's model; fails (never skips) when the corpus is missing.
sf::lems::model conformance_model(const std::string& example) {
    using namespace sf::emulator::test;
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const fs::path file = *corpus / "derived" / (example + ".ref.xml");
    REQUIRE(fs::is_regular_file(file));
    return sf::lems::load_model({file});
}

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
    for (const char* example : {"LEMS_NML2_Ex0_IaF", "LEMS_NML2_Ex2_Izh", "LEMS_NML2_Ex12_Net2",
                                "LEMS_NML2_Ex21_CurrentBasedSynapses"}) {
        SECTION(example) {
            run_image_in_lockstep(
                image_of(conformance_model(example), sf::mapper::find_board("spinn5")), 200);
        }
    }
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
void check_random_section(std::mt19937& random, std::uint64_t steps) {
    const section_data section = sf::emulator::test::random_section(random);
    core_lockstep pair(section.view());
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
    const std::uint64_t programs = environment_number("SF_RTL_PROGRAMS", 150);
    for (std::uint64_t p = 0; p < programs; ++p) {
        // Each program has its own seed, so that a failure replays alone.
        const std::uint64_t program_seed = seed + p;
        INFO("replay with SF_RTL_SEED=" << program_seed << " SF_RTL_PROGRAMS=1");
        std::mt19937 random(static_cast<std::uint32_t>(program_seed));
        check_random_section(random, 8);
    }
}
