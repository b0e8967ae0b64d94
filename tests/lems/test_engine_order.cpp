// The optimised engine (synapses merged per cell, population subtrees advanced kind by kind) must
// give exactly the results of advancing every instance alone in the reference simulator's order.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
#include <sf/lems/simulator.hpp>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;

struct temp_dir : sf::lems::test::temp_folder {
    temp_dir() : sf::lems::test::temp_folder("sf_engine_order") {}
};

// Runs the model the reference way, then optimised (interpreted, and with compiled kernels), and
// checks every output file is byte-identical.
void check_same_results(const fs::path& model_file, bool has_groups) {
    const sf::lems::model model = sf::lems::load_model({model_file});
    temp_dir reference;
    sf::lems::simulation_options options;
    options.output_dir = reference.path();
    options.reference_order = true;
    const auto reference_run = sf::lems::simulate(model, options);
    using native = sf::lems::simulation_options::native_code;
    for (const native mode : {native::never, native::always}) {
        temp_dir fast;
        options.output_dir = fast.path();
        options.reference_order = false;
        options.native = mode;
        const auto fast_run = sf::lems::simulate(model, options);
        INFO(fast_run.execution);
        const bool compiled = fast_run.execution.rfind("compiled", 0) == 0;
        CHECK(compiled == (mode == native::always && has_groups));
        REQUIRE(fast_run.files_written.size() == reference_run.files_written.size());
        CHECK(fast_run.events_delivered == reference_run.events_delivered);
        for (std::size_t f = 0; f < fast_run.files_written.size(); ++f) {
            INFO(fast_run.files_written[f].filename().string());
            const std::string ours = sf::lems::test::read_text(fast_run.files_written[f]);
            CHECK_FALSE(ours.empty());
            CHECK(ours == sf::lems::test::read_text(reference_run.files_written[f]));
        }
    }
}

// A network of `cells` iafRefCells in one population, connected cell k -> k+1 and k -> k-1 with
// the given delay, driven by pulses and a Poisson spike source through weighted synapses.
std::string ring_network(int cells, const std::string& delay) {
    std::ostringstream m;
    m << R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafRefCell id="cell" C="100pF" leakConductance="10nS" leakReversal="-65mV" thresh="-50mV" reset="-65mV" refract="2ms"/>
    <expTwoSynapse id="syn" gbase="2nS" erev="0mV" tauRise="0.5ms" tauDecay="4ms"/>
    <expOneSynapse id="inh" gbase="1nS" erev="-80mV" tauDecay="8ms"/>
    <pulseGenerator id="drive" delay="5ms" duration="80ms" amplitude="0.2nA"/>
    <spikeGeneratorPoisson id="noise" averageRate="200 Hz"/>
    <network id="net">
        <population id="pop" component="cell" size=")"
      << cells << R"("/>
        <population id="src" component="noise" size="1"/>
        <projection id="ring" presynapticPopulation="pop" postsynapticPopulation="pop" synapse="syn">
)";
    int id = 0;
    for (int k = 0; k < cells; ++k) {
        for (int target : {(k + 1) % cells, (k + cells - 1) % cells, (k + 3) % cells}) {
            m << "            <connectionWD id=\"" << id++ << "\" preCellId=\"../pop[" << k
              << "]\" postCellId=\"../pop[" << target << "]\" weight=\"" << (0.5 + 0.1 * (k % 5))
              << "\" delay=\"" << delay << "\"/>\n";
        }
    }
    m << R"(        </projection>
        <projection id="noiseIn" presynapticPopulation="src" postsynapticPopulation="pop" synapse="inh">
)";
    for (int k = 0; k < cells; k += 2) {
        m << "            <connectionWD id=\"" << k
          << "\" preCellId=\"../src[0]\" postCellId=\"../pop[" << k << "]\" weight=\""
          << (1.0 + 0.25 * (k % 3)) << "\" delay=\"" << delay << "\"/>\n";
    }
    m << R"(        </projection>
        <inputList id="drives" population="pop" component="drive">
)";
    for (int k = 0; k < cells; k += 3) {
        m << "            <input id=\"" << k << "\" target=\"../pop[" << k
          << "]\" destination=\"synapses\"/>\n";
    }
    m << R"(        </inputList>
    </network>
    <Simulation id="sim" length="100ms" step="0.025ms" target="net" seed="7">
        <OutputFile id="v" fileName="v.dat">
            <OutputColumn id="v0" quantity="pop[0]/v"/>
            <OutputColumn id="v5" quantity="pop[5]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.txt" format="TIME_ID">
)";
    for (int k = 0; k < cells; ++k) {
        m << "            <EventSelection id=\"" << k << "\" select=\"pop[" << k
          << "]\" eventPort=\"spike\"/>\n";
    }
    m << R"(        </EventOutputFile>
    </Simulation>
</Lems>
)";
    return m.str();
}

// Two populations whose compiled kernels take every path: `partsCell` (no regimes, an OnCondition
// of its own, a child reading the cell's v, one synapse of each kind on every cell: runs of cells
// read in place) and iafRefCell (regimes; synapses and inputs on some cells only: reads through
// pointers), with OnEvent handlers of one- and two-state synapses.
std::string mixed_network(int cells) {
    std::ostringstream m;
    m << R"xml(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <ComponentType name="leakPart">
        <Parameter name="g" dimension="conductance"/>
        <Parameter name="erev" dimension="voltage"/>
        <Requirement name="v" dimension="voltage"/>
        <Exposure name="i" dimension="current"/>
        <Dynamics>
            <DerivedVariable name="i" dimension="current" exposure="i" value="g * (erev - v)"/>
        </Dynamics>
    </ComponentType>
    <ComponentType name="partsCell" extends="baseCellMembPot">
        <Parameter name="C" dimension="capacitance"/>
        <Parameter name="thresh" dimension="voltage"/>
        <Parameter name="reset" dimension="voltage"/>
        <Child name="leak" type="leakPart"/>
        <Attachments name="synapses" type="basePointCurrent"/>
        <Dynamics>
            <StateVariable name="v" dimension="voltage" exposure="v"/>
            <DerivedVariable name="iLeak" dimension="current" select="leak/i"/>
            <DerivedVariable name="iSyn" dimension="current" select="synapses[*]/i" reduce="add"/>
            <TimeDerivative variable="v" value="(iLeak + iSyn) / C"/>
            <OnStart>
                <StateAssignment variable="v" value="reset"/>
            </OnStart>
            <OnCondition test="v .gt. thresh">
                <StateAssignment variable="v" value="reset"/>
                <EventOut port="spike"/>
            </OnCondition>
        </Dynamics>
    </ComponentType>
    <partsCell id="parts" C="100pF" thresh="-50mV" reset="-70mV">
        <leakPart g="10nS" erev="-45mV"/>
    </partsCell>
    <iafRefCell id="ref" C="100pF" leakConductance="10nS" leakReversal="-65mV" thresh="-50mV" reset="-65mV" refract="2ms"/>
    <expOneSynapse id="fast" gbase="1nS" erev="0mV" tauDecay="2ms"/>
    <expTwoSynapse id="slow" gbase="0.5nS" erev="-80mV" tauRise="1ms" tauDecay="6ms"/>
    <pulseGenerator id="drive" delay="5ms" duration="80ms" amplitude="0.25nA"/>
    <network id="net">
        <population id="a" component="parts" size=")xml"
      << cells << R"xml("/>
        <population id="b" component="ref" size=")xml"
      << cells << R"xml("/>
)xml";
    auto projection = [&](const char* id, const char* pre, const char* post, const char* synapse,
                          int shift, int every) {
        m << "        <projection id=\"" << id << "\" presynapticPopulation=\"" << pre
          << "\" postsynapticPopulation=\"" << post << "\" synapse=\"" << synapse << "\">\n";
        for (int k = 0; k < cells; k += every) {
            m << "            <connectionWD id=\"" << k << "\" preCellId=\"../" << pre << "[" << k
              << "]\" postCellId=\"../" << post << "[" << (k + shift) % cells << "]\" weight=\""
              << 0.5 + 0.1 * (k % 4) << "\" delay=\"0.2ms\"/>\n";
        }
        m << "        </projection>\n";
    };
    projection("aa", "a", "a", "fast", 1, 1);
    projection("ba", "b", "a", "slow", 5, 1);
    projection("ab", "a", "b", "fast", 2, 3);
    for (const auto& [population, every] : {std::pair<const char*, int>{"a", 1}, {"b", 2}}) {
        m << "        <inputList id=\"drive_" << population << "\" population=\"" << population
          << "\" component=\"drive\">\n";
        for (int k = 0; k < cells; k += every) {
            m << "            <input id=\"" << k << "\" target=\"../" << population << "[" << k
              << "]\" destination=\"synapses\"/>\n";
        }
        m << "        </inputList>\n";
    }
    m << R"xml(    </network>
    <Simulation id="sim" length="100ms" step="0.025ms" target="net">
        <OutputFile id="v" fileName="v.dat">
            <OutputColumn id="a0" quantity="a[0]/v"/>
            <OutputColumn id="b1" quantity="b[1]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.txt" format="TIME_ID">
)xml";
    for (int k = 0; k < cells; ++k) {
        m << "            <EventSelection id=\"" << k << "\" select=\"a[" << k
          << "]\" eventPort=\"spike\"/>\n"
          << "            <EventSelection id=\"" << cells + k << "\" select=\"b[" << k
          << "]\" eventPort=\"spike\"/>\n";
    }
    m << R"xml(        </EventOutputFile>
    </Simulation>
</Lems>
)xml";
    return m.str();
}

} // namespace

TEST_CASE("engine order: the bundled example gives identical results both ways", "[lems][engine]") {
    check_same_results(fs::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml",
                       true);
}

TEST_CASE("engine order: networks give identical results both ways", "[lems][engine]") {
    temp_dir dir;
    SECTION("delayed connections, which allow advancing kind by kind") {
        std::ofstream(dir.path() / "ring.xml") << ring_network(40, "0.5ms");
        check_same_results(dir.path() / "ring.xml", true);
    }
    SECTION("populations with children, requirements, uneven synapses and regimes") {
        std::ofstream(dir.path() / "mixed.xml") << mixed_network(24);
        check_same_results(dir.path() / "mixed.xml", true);
    }
    SECTION("zero-delay connections inside a population, which need the reference order") {
        std::ofstream(dir.path() / "ring.xml") << ring_network(40, "0ms");
        check_same_results(dir.path() / "ring.xml", false);
    }
}

TEST_CASE("engine order: a compiler that fails is reported, and nothing is written",
          "[lems][engine]") {
    const sf::lems::model model = sf::lems::load_model(
        {fs::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml"});
    temp_dir out;
    sf::lems::simulation_options options;
    options.output_dir = out.path();
    options.native = sf::lems::simulation_options::native_code::always;
    ::setenv("SPIKEFORGE_CXX", "false", 1);
    CHECK_THROWS_AS(sf::lems::simulate(model, options), sf::lems::simulation_error);
    ::unsetenv("SPIKEFORGE_CXX");
    CHECK(fs::is_empty(out.path()));
}
