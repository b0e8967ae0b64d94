// The network IR of every conformance example, run in double precision with the neuron cores'
// event timing, against the reference simulator's outputs: flattening keeps the dynamics.
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/network_run.hpp>

#include "../lems/test_support.hpp"
#include "conformance_corpus.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sf::conformance;

struct expectation {
    const char* example;
    const char* refusal; // part of the error flattening gives, or nullptr when it flattens
};

void run_flattened(const expectation& e) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const fs::path model_file = *corpus / "derived" / (std::string(e.example) + ".ref.xml");
    const sf::lems::model model = sf::lems::load_model({model_file});
    sf::lems::test::temp_folder out("sf_network_ir");
    sf::lems::flatten_options options;
    options.output_dir = out.path();
    if (e.refusal != nullptr) {
        REQUIRE_THROWS_WITH(sf::lems::flatten(model, options), Catch::Contains(e.refusal));
        return;
    }
    const sf::lems::ir::network net = sf::lems::flatten(model, options);
    sf::lems::ir::run_options run;
    run.reference_timing = true;
    const sf::lems::ir::run_result result = sf::lems::ir::run(net, run);
    const auto written = sf::lems::write_recordings(result.traces, result.events);
    for (const fs::path& produced : written) {
        const std::string name = produced.filename().string();
        INFO(e.example << ": " << name);
        const fs::path reference = reference_for(*corpus, e.example, name);
        REQUIRE_FALSE(reference.empty());
        const file_comparison compared = compare_output(produced, reference);
        if (compared.spikes_file) {
            const spike_comparison& spikes = compared.spikes;
            INFO(spikes.problem << " trains " << spikes.trains << " spikes " << spikes.spikes
                                << " mismatched " << spikes.count_mismatches << " max time error "
                                << spikes.max_time_error);
            CHECK(spikes.problem.empty());
            CHECK(spikes.count_mismatches == 0);
            CHECK(spikes.max_time_error < net.dt / 2);
        } else {
            const trace_deviation& traces = compared.traces;
            INFO(traces.problem << " worst column " << traces.worst_column << " deviation "
                                << traces.max_relative);
            CHECK(traces.problem.empty());
            CHECK(traces.max_relative <= 1e-4);
        }
    }
}

} // namespace

TEST_CASE("network IR: conformance examples run as flattened neurons",
          "[conformance][network_ir]") {
    const expectation examples[] = {
        {"LEMS_NML2_Ex0_IaF", nullptr},
        {"LEMS_NML2_Ex2_Izh", nullptr},
        {"LEMS_NML2_Ex8_AdEx", nullptr},
        {"LEMS_NML2_Ex9_FN", nullptr},
        {"LEMS_NML2_Ex12_Net2", nullptr},
        {"LEMS_NML2_Ex13_Instances", nullptr},
        {"LEMS_NML2_Ex21_CurrentBasedSynapses", nullptr},
        {"LEMS_NML2_Ex27_MultiSynapses", nullptr},
        {"LEMS_NML2_Ex11_STDP", nullptr},
        {"LEMS_NML2_Ex14_PyNN", nullptr},
        {"LEMS_NML2_Ex16_Inputs", nullptr},
        {"LEMS_NML2_Ex22_PinskyRinzelCA3", nullptr},
        {"LEMS_NML2_Ex23_Spiketimes", nullptr},
        {"LEMS_NML2_Ex19_GapJunctions", "gap junctions"},
        {"LEMS_NML2_Ex19a_GapJunctionInstances", "gap junctions"},
        {"LEMS_NML2_Ex20_AnalogSynapses", "graded"},
    };
    for (const expectation& e : examples) {
        SECTION(e.example) { run_flattened(e); }
    }
}
