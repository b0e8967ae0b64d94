// The float simulator with its groups compiled to machine code against the interpreter, on every
// conformance example: the same files, byte for byte. The compiled groups leave out storing
// columns that nothing reads (the time, rates, exposures' copies); the examples' requirements,
// paths, events and recordings must all find what they read.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
#include <sf/lems/simulator.hpp>

#include "../lems/test_support.hpp"
#include "corpus_model.hpp"

namespace {

namespace fs = std::filesystem;
using native = sf::lems::simulation_options::native_code;

sf::lems::simulation_summary run_with(const sf::lems::model& model, const fs::path& out,
                                      native mode) {
    sf::lems::simulation_options options;
    options.output_dir = out;
    options.native = mode;
    return sf::lems::simulate(model, options);
}

void compare_example(const char* example) {
    const sf::lems::model model = sf::conformance::load_corpus_example(example);
    sf::lems::test::temp_folder interpreted_dir("sf_float_interpreted");
    sf::lems::test::temp_folder compiled_dir("sf_float_compiled");
    const auto interpreted = run_with(model, interpreted_dir.path(), native::never);
    const auto compiled = run_with(model, compiled_dir.path(), native::always);
    INFO(compiled.execution);
    REQUIRE(compiled.files_written.size() == interpreted.files_written.size());
    CHECK(compiled.events_delivered == interpreted.events_delivered);
    for (std::size_t f = 0; f < compiled.files_written.size(); ++f) {
        INFO(compiled.files_written[f].filename().string());
        CHECK(compiled.files_written[f].filename() == interpreted.files_written[f].filename());
        CHECK(sf::lems::test::read_text(compiled.files_written[f]) ==
              sf::lems::test::read_text(interpreted.files_written[f]));
    }
}

} // namespace

#define SF_FLOAT_NATIVE_EXAMPLE(example)                                                           \
    TEST_CASE("float kernels compiled write what the interpreter writes on " example,              \
              "[conformance][native]") {                                                           \
        compare_example(example);                                                                  \
    }

SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex0_IaF")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex2_Izh")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex8_AdEx")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex9_FN")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex11_STDP")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex12_Net2")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex13_Instances")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex14_PyNN")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex16_Inputs")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex19_GapJunctions")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex19a_GapJunctionInstances")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex20_AnalogSynapses")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex21_CurrentBasedSynapses")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex22_PinskyRinzelCA3")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex23_Spiketimes")
SF_FLOAT_NATIVE_EXAMPLE("LEMS_NML2_Ex27_MultiSynapses")
