// Cells of a population that differ only in which superposing synapses receive connections share
// one group (one program on a core): the synapses a cell lacks stand at rest and add nothing, so
// the network computes exactly what it computed with one group per structure.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/network_run.hpp>

#include "../lems/test_support.hpp"
#include "conformance_corpus.hpp"

namespace {

namespace fs = std::filesystem;

sf::lems::ir::network flattened(const sf::lems::model& model, bool align) {
    sf::lems::flatten_options options;
    options.align_populations = align;
    return sf::lems::flatten(model, options);
}

std::map<std::string, int> groups_per_population(const sf::lems::ir::network& net) {
    std::map<std::string, int> groups;
    for (const auto& group : net.groups) {
        ++groups[group.population];
    }
    return groups;
}

// Runs both flattenings with the cores' timing and requires the same spikes at the same times and
// the same traces: a synapse at rest adds exactly zero.
void require_same_run(const sf::lems::ir::network& aligned, const sf::lems::ir::network& apart) {
    sf::lems::ir::run_options options;
    options.seed = 7;
    const auto a = sf::lems::ir::run(aligned, options);
    const auto b = sf::lems::ir::run(apart, options);
    CHECK(a.spikes == b.spikes);
    CHECK(a.events_delivered == b.events_delivered);
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t f = 0; f < a.events.size(); ++f) {
        INFO(a.events[f].path);
        // Spikes of one step are listed group by group, so the same spikes may come in another
        // order within their step.
        auto x = a.events[f].events;
        auto y = b.events[f].events;
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        CHECK(x == y);
    }
    REQUIRE(a.traces.size() == b.traces.size());
    for (std::size_t f = 0; f < a.traces.size(); ++f) {
        INFO(a.traces[f].path);
        CHECK(a.traces[f].rows == b.traces[f].rows);
    }
}

// A sparse random network: integrate-and-fire cells receive excitatory and inhibitory
// connections from random cells, so that some cells receive one kind, some the other, some both.
std::string sparse_network(std::uint32_t seed, int cells) {
    std::mt19937 random(seed);
    std::ostringstream t;
    t << R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafRefCell id="cell" C="250pF" leakConductance="12.5nS" leakReversal="-65mV" thresh="-50mV"
        reset="-65mV" refract="2ms"/>
    <spikeGeneratorPoisson id="noise" averageRate="400 Hz"/>
    <expOneSynapse id="drive" gbase="8nS" erev="0mV" tauDecay="5ms"/>
    <expOneSynapse id="exc" gbase="3nS" erev="0mV" tauDecay="5ms"/>
    <expTwoSynapse id="inh" gbase="6nS" erev="-80mV" tauRise="1ms" tauDecay="10ms"/>
    <network id="net">
        <population id="src" component="noise" size="4"/>
        <population id="pop" component="cell" size=")"
      << cells << R"("/>
)";
    const char* synapses[] = {"drive", "exc", "inh"};
    for (int p = 0; p < 3; ++p) {
        const char* pre = p == 0 ? "src" : "pop";
        const int sources = p == 0 ? 4 : cells;
        t << "        <projection id=\"" << synapses[p] << "Proj\" presynapticPopulation=\"" << pre
          << "\" postsynapticPopulation=\"pop\" synapse=\"" << synapses[p] << "\">\n";
        for (int c = 0; c < cells / 3; ++c) {
            t << "            <connectionWD id=\"" << c << "\" preCellId=\"../" << pre << "["
              << random() % static_cast<std::uint32_t>(sources) << "]\" postCellId=\"../pop["
              << random() % static_cast<std::uint32_t>(cells) << "]\" weight=\"" << 1 + random() % 4
              << "\" delay=\"" << 1 + random() % 3 << "ms\"/>\n";
        }
        t << "        </projection>\n";
    }
    t << R"(    </network>
    <Simulation id="sim" length="100ms" step="0.05ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="v0" quantity="pop[0]/v"/>
            <OutputColumn id="v1" quantity="pop[1]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.dat" format="ID_TIME">
)";
    for (int c = 0; c < cells; ++c) {
        t << "            <EventSelection id=\"" << c << "\" select=\"pop[" << c
          << "]\" eventPort=\"spike\"/>\n";
    }
    t << "        </EventOutputFile>\n    </Simulation>\n</Lems>\n";
    return t.str();
}

} // namespace

TEST_CASE("population alignment: a sparse network's population is one group, computing the same",
          "[conformance][alignment]") {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        SECTION("seed " + std::to_string(seed)) {
            sf::lems::test::temp_folder dir("sf_alignment");
            const fs::path file = dir.path() / "sparse.xml";
            std::ofstream(file) << sparse_network(seed, 30);
            const sf::lems::model model = sf::lems::load_model({file});
            const auto aligned = flattened(model, true);
            const auto apart = flattened(model, false);
            CHECK(groups_per_population(aligned).at("pop") == 1);
            CHECK(groups_per_population(apart).at("pop") > 1);
            require_same_run(aligned, apart);
        }
    }
}

TEST_CASE("population alignment: the conformance examples compute the same aligned or not",
          "[conformance][alignment]") {
    const auto corpus = sf::conformance::corpus_dir();
    if (!corpus) {
        FAIL(sf::conformance::corpus_missing());
    }
    const char* examples[] = {
        "LEMS_NML2_Ex0_IaF",
        "LEMS_NML2_Ex2_Izh",
        "LEMS_NML2_Ex8_AdEx",
        "LEMS_NML2_Ex9_FN",
        "LEMS_NML2_Ex12_Net2",
        "LEMS_NML2_Ex13_Instances",
        "LEMS_NML2_Ex21_CurrentBasedSynapses",
        "LEMS_NML2_Ex27_MultiSynapses",
        "LEMS_NML2_Ex11_STDP",
        "LEMS_NML2_Ex14_PyNN",
        "LEMS_NML2_Ex16_Inputs",
        "LEMS_NML2_Ex22_PinskyRinzelCA3",
        "LEMS_NML2_Ex23_Spiketimes",
    };
    for (const char* example : examples) {
        SECTION(example) {
            const fs::path file = *corpus / "derived" / (std::string(example) + ".ref.xml");
            const sf::lems::model model = sf::lems::load_model({file});
            const auto aligned = flattened(model, true);
            const auto apart = flattened(model, false);
            CHECK(aligned.groups.size() <= apart.groups.size());
            require_same_run(aligned, apart);
        }
    }
}

TEST_CASE("population alignment: inputs that differ in parameters alone share a program",
          "[conformance][alignment]") {
    sf::lems::test::temp_folder dir("sf_alignment_inputs");
    const fs::path file = dir.path() / "inputs.xml";
    std::ofstream(file) << R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="cell" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <pulseGenerator id="weak" delay="0ms" duration="50ms" amplitude="0.3nA"/>
    <pulseGenerator id="strong" delay="0ms" duration="50ms" amplitude="0.6nA"/>
    <sineGenerator id="wave" delay="0ms" phase="0" duration="50ms" amplitude="0.6nA" period="10ms"/>
    <expOneSynapse id="syn" gbase="2nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="pop" component="cell" size="4"/>
        <projection id="p" presynapticPopulation="pop" postsynapticPopulation="pop" synapse="syn">
            <connection id="0" preCellId="../pop[0]" postCellId="../pop[1]"/>
        </projection>
        <explicitInput target="pop[0]" input="weak"/>
        <explicitInput target="pop[1]" input="strong"/>
        <explicitInput target="pop[2]" input="strong"/>
        <explicitInput target="pop[3]" input="wave"/>
    </network>
    <Simulation id="sim" length="50ms" step="0.1ms" target="net">
        <EventOutputFile id="spikes" fileName="spikes.dat" format="TIME_ID">
            <EventSelection id="0" select="pop[0]" eventPort="spike"/>
            <EventSelection id="1" select="pop[1]" eventPort="spike"/>
            <EventSelection id="2" select="pop[2]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)";
    const sf::lems::model model = sf::lems::load_model({file});
    const auto aligned = flattened(model, true);
    // pop[0..2] have pulse generators that differ in amplitude alone: one program, each cell with
    // the synapse (at rest where nothing connects to it) and its amplitude a per-neuron constant.
    // pop[3]'s input is of another type: a group alone, not given the synapse.
    REQUIRE(aligned.groups.size() == 2);
    for (const auto& group : aligned.groups) {
        INFO(group.label);
        const bool has_synapse =
            std::any_of(group.variables.begin(), group.variables.end(),
                        [](const auto& v) { return v.name.find(":syn[") != std::string::npos; });
        CHECK(has_synapse == (group.members.size() == 3));
        const auto amplitude = std::find_if(group.variables.begin(), group.variables.end(),
                                            [](const auto& v) { return v.member == "amplitude"; });
        if (group.members.size() == 3) {
            REQUIRE(amplitude != group.variables.end());
            CHECK(amplitude->kind == sf::lems::ir::storage::neuron_constant);
            CHECK(amplitude->initial == std::vector<double>{0.3e-9, 0.6e-9, 0.6e-9});
        } else {
            CHECK(amplitude == group.variables.end()); // one cell: the program's own constant
        }
    }
    CHECK(flattened(model, false).groups.size() == 4);
    require_same_run(aligned, flattened(model, false));
}
