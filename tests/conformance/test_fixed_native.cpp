// The fixed backend's cores with their programs compiled to machine code against the kernel's op
// loop, on every conformance example the backend runs: the same recordings, value for value, and
// the same counters.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>

#include "conformance_corpus.hpp"
#include "fixed_backend.hpp"

namespace {

namespace fs = std::filesystem;
using sf::emulator::native_choice;

sf::cli::fixed_run_summary run_with(const sf::lems::model& model, native_choice native) {
    sf::cli::fixed_run_options options;
    options.native = native;
    return sf::cli::run_fixed(model, sf::mapper::find_board("spinn5"), options);
}

void require_same(const sf::cli::fixed_run_summary& kernel,
                  const sf::cli::fixed_run_summary& native) {
    CHECK(kernel.spikes == native.spikes);
    CHECK(kernel.synaptic_events == native.synaptic_events);
    CHECK(kernel.saturations == native.saturations);
    CHECK(kernel.input_overflows == native.input_overflows);
    CHECK(kernel.dropped_words == native.dropped_words);
    CHECK(kernel.program_faults == native.program_faults);
    CHECK(kernel.held_words == native.held_words);
    CHECK(kernel.first_fault == native.first_fault);
    REQUIRE(kernel.traces.size() == native.traces.size());
    for (std::size_t f = 0; f < kernel.traces.size(); ++f) {
        INFO(kernel.traces[f].path.string());
        CHECK(kernel.traces[f].path == native.traces[f].path);
        CHECK(kernel.traces[f].rows == native.traces[f].rows);
    }
    REQUIRE(kernel.events.size() == native.events.size());
    for (std::size_t f = 0; f < kernel.events.size(); ++f) {
        INFO(kernel.events[f].path.string());
        CHECK(kernel.events[f].events == native.events[f].events);
    }
}

} // namespace

TEST_CASE("fixed backend: native code records what the kernel records on the conformance examples",
          "[conformance][fixed][native]") {
    const auto corpus = sf::conformance::corpus_dir();
    if (!corpus) {
        FAIL(sf::conformance::corpus_missing());
    }
    std::vector<fs::path> examples;
    for (const auto& entry : fs::directory_iterator(*corpus / "derived")) {
        const std::string name = entry.path().filename().string();
        if (name.size() > 8 && name.substr(name.size() - 8) == ".ref.xml") {
            examples.push_back(entry.path());
        }
    }
    std::sort(examples.begin(), examples.end());
    REQUIRE_FALSE(examples.empty());
    std::size_t compared = 0;
    for (const fs::path& file : examples) {
        INFO(file.filename().string());
        const sf::lems::model model = sf::lems::load_model({file});
        sf::cli::fixed_run_summary kernel;
        try {
            kernel = run_with(model, native_choice::never);
        } catch (const std::exception& e) {
            // Models the fixed backend does not map (gap junctions, analog synapses...) are the
            // fidelity tests' concern, not this one's.
            WARN(file.filename().string() << " does not run on the cores: " << e.what());
            continue;
        }
        const sf::cli::fixed_run_summary native = run_with(model, native_choice::always);
        CHECK_FALSE(kernel.native_code.compiled);
        REQUIRE(native.native_code.compiled);
        require_same(kernel, native);
        ++compared;
    }
    std::printf("native code: %zu of %zu conformance examples compared\n", compared,
                examples.size());
    CHECK(compared >= 7); // at least those the fidelity tests run
}
