// Runs every example of the NeuroML2/LEMS conformance corpus with the project's own core type
// definitions and with the official ones, and compares every output file with the reference
// simulator's: traces within 1e-4 of their range at every sample, spike trains with the same
// count and every spike in the same time step.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
#include <sf/lems/simulator.hpp>

#include "../lems/test_support.hpp"
#include "conformance_corpus.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sf::conformance;

constexpr double trace_tolerance = 1e-4;

enum class core_types { builtin, official };

struct scratch_dir : sf::lems::test::temp_folder {
    scratch_dir() : sf::lems::test::temp_folder("sf_conformance") {}
};

void append_report(const std::string& line) {
    if (const char* report = std::getenv("SF_CONFORMANCE_REPORT");
        report != nullptr && *report != '\0') {
        std::ofstream(report, std::ios::app) << line << "\n";
    }
}

void run_example(const std::string& example, core_types types) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const fs::path model_file = *corpus / "derived" / (example + ".ref.xml");
    REQUIRE(fs::is_regular_file(model_file));

    sf::lems::load_options options;
    if (types == core_types::official) {
        options.include_paths.push_back(*corpus / "NeuroML2CoreTypes");
        options.builtin_core_types = false;
    }
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model({model_file}, options, problems);
    for (const auto& problem : problems.problems()) {
        UNSCOPED_INFO(problem.what());
    }
    REQUIRE(problems.empty());
    if (types == core_types::builtin) {
        // The project's own definitions are dimensionally sound; warnings about the example model
        // itself (such as a spike source used as a population's cell) are the model's business.
        const std::string own_dir =
            fs::weakly_canonical(sf::lems::builtin_core_types_dir()).string();
        std::size_t own_warnings = 0;
        for (const auto& warning : problems.warnings()) {
            if (warning.where().file.rfind(own_dir, 0) == 0) {
                UNSCOPED_INFO(warning.what());
                ++own_warnings;
            }
        }
        CHECK(own_warnings == 0);
    }
    REQUIRE_NOTHROW(sf::lems::check_simulation(model));

    scratch_dir out;
    sf::lems::simulation_options run_options;
    run_options.output_dir = out.path();
    const auto started = std::chrono::steady_clock::now();
    const sf::lems::simulation_summary summary = sf::lems::simulate(model, run_options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE_FALSE(summary.files_written.empty());

    const std::string label =
        example + (types == core_types::builtin ? " (own core types)" : " (official core types)");
    for (const fs::path& produced : summary.files_written) {
        const std::string name = produced.filename().string();
        const fs::path reference = reference_for(*corpus, example, name);
        INFO(label << ": " << name);
        REQUIRE_FALSE(reference.empty());
        const file_comparison compared = compare_output(produced, reference);
        if (compared.spikes_file) {
            const spike_comparison& spikes = compared.spikes;
            INFO(spikes.problem);
            CHECK(spikes.problem.empty());
            CHECK(spikes.count_mismatches == 0);
            CHECK(spikes.max_time_error < summary.step / 2);
            append_report(example + "\t" + (types == core_types::builtin ? "own" : "official") +
                          "\t" + name + "\tspikes\t" + std::to_string(spikes.trains) + "\t" +
                          std::to_string(spikes.spikes) + "\t" +
                          std::to_string(spikes.count_mismatches) + "\t" +
                          std::to_string(spikes.max_time_error) + "\t" + std::to_string(seconds));
        } else {
            const trace_deviation& traces = compared.traces;
            INFO(traces.problem << " worst column " << traces.worst_column);
            CHECK(traces.problem.empty());
            CHECK(traces.max_relative <= trace_tolerance);
            char deviation[32];
            std::snprintf(deviation, sizeof deviation, "%.3g", traces.max_relative);
            append_report(example + "\t" + (types == core_types::builtin ? "own" : "official") +
                          "\t" + name + "\ttraces\t" + std::to_string(compared.reference_columns) +
                          "\t" + std::to_string(compared.reference_rows) + "\t" + deviation +
                          "\t\t" + std::to_string(seconds));
        }
    }
}

} // namespace

#define SF_CONFORMANCE_EXAMPLE(name)                                                               \
    TEST_CASE("conformance: " name, "[conformance]") {                                             \
        SECTION("own core types") { run_example(name, core_types::builtin); }                      \
        SECTION("official core types") { run_example(name, core_types::official); }                \
    }

SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex0_IaF")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex2_Izh")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex8_AdEx")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex9_FN")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex11_STDP")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex12_Net2")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex13_Instances")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex14_PyNN")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex16_Inputs")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex19_GapJunctions")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex19a_GapJunctionInstances")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex20_AnalogSynapses")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex21_CurrentBasedSynapses")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex22_PinskyRinzelCA3")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex23_Spiketimes")
SF_CONFORMANCE_EXAMPLE("LEMS_NML2_Ex27_MultiSynapses")
