// The fixed backend's cores with their programs compiled to machine code against the kernel's op
// loop, on every conformance example the backend runs: the same recordings, value for value, and
// the same counters.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>

#include "corpus_model.hpp"
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

// One example, kernel against native code.
void compare_example(const char* example) {
    const sf::lems::model model = sf::conformance::load_corpus_example(example);
    const sf::cli::fixed_run_summary kernel = run_with(model, native_choice::never);
    const sf::cli::fixed_run_summary native = run_with(model, native_choice::always);
    CHECK_FALSE(kernel.native_code.compiled);
    REQUIRE(native.native_code.compiled);
    require_same(kernel, native);
}

} // namespace

// One test per example (the examples the cores run; gap junctions and analog synapses they do
// not), so that they run side by side.
#define SF_NATIVE_EXAMPLE(example)                                                                 \
    TEST_CASE("fixed backend: native code records what the kernel records on " example,            \
              "[conformance][fixed][native]") {                                                    \
        compare_example(example);                                                                  \
    }

SF_NATIVE_EXAMPLE("LEMS_NML2_Ex0_IaF")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex2_Izh")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex8_AdEx")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex9_FN")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex11_STDP")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex12_Net2")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex13_Instances")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex14_PyNN")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex16_Inputs")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex21_CurrentBasedSynapses")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex22_PinskyRinzelCA3")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex23_Spiketimes")
SF_NATIVE_EXAMPLE("LEMS_NML2_Ex27_MultiSynapses")
