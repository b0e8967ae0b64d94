// Problems found when a simulation's network is built or run: each names the element and line,
// and `simulate` writes nothing.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
#include <sf/lems/simulator.hpp>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using sf::lems::test::line_of;

struct temp_dir : sf::lems::test::temp_folder {
    temp_dir() : sf::lems::test::temp_folder("sf_simulation_errors") {}
};

// Two iafCells, a spike generator and a simulation; `network` and `outputs` are added inside the
// network and the Simulation, `types` at the top.
std::string model(const std::string& types, const std::string& network, const std::string& outputs,
                  const std::string& simulation_attributes = "length=\"2ms\" step=\"0.1ms\"") {
    return R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeGenerator id="gen" period="1ms"/>
    <expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>
)" + types +
           R"(    <network id="net">
        <population id="cells" component="iaf" size="2"/>
        <population id="gens" component="gen" size="1"/>
)" + network +
           R"(    </network>
    <Simulation id="sim" )" +
           simulation_attributes + R"( target="net">
)" + outputs +
           R"(    </Simulation>
</Lems>
)";
}

// Loads `text`, runs it, and checks the parse_error: its message contains `expected` and it is
// reported at the line of `at`; the output folder stays empty.
void check_rejected(const std::string& text, const std::string& expected, const std::string& at) {
    temp_dir dir;
    const fs::path file = dir.write("model.xml", text);
    sf::lems::diagnostics problems;
    const sf::lems::model m = sf::lems::load_model({file}, {}, problems);
    INFO(sf::lems::test::listing(problems.problems()));
    REQUIRE(problems.empty());
    const fs::path out = dir.path() / "out";
    sf::lems::simulation_options options;
    options.output_dir = out;
    try {
        sf::lems::simulate(m, options);
        FAIL("simulate accepted the model; expected: " + expected);
    } catch (const sf::lems::parse_error& e) {
        INFO(e.what());
        CHECK_THAT(e.message(), Catch::Contains(expected));
        CHECK(e.where().file == file.string());
        CHECK(e.where().line == line_of(text, at));
    }
    CHECK((!fs::exists(out) || fs::is_empty(out)));
}

} // namespace

TEST_CASE("simulation errors: outputs that name nothing recordable", "[lems][simulation]") {
    SECTION("an event source that matches no cell") {
        const std::string outputs =
            R"(        <EventOutputFile id="s" fileName="s.txt" format="TIME_ID">
            <EventSelection id="0" select="cells[7]" eventPort="spike"/>
        </EventOutputFile>
)";
        check_rejected(model("", "", outputs), "matches no cell", "<EventSelection");
    }
    SECTION("an event port the cell does not have") {
        const std::string outputs =
            R"(        <EventOutputFile id="s" fileName="s.txt" format="TIME_ID">
            <EventSelection id="0" select="cells[0]" eventPort="bang"/>
        </EventOutputFile>
)";
        check_rejected(model("", "", outputs), "has no output event port 'bang'",
                       "<EventSelection");
    }
    SECTION("an unknown event file format") {
        const std::string outputs =
            R"(        <EventOutputFile id="s" fileName="s.txt" format="TIME_ONLY">
            <EventSelection id="0" select="cells[0]" eventPort="spike"/>
        </EventOutputFile>
)";
        check_rejected(model("", "", outputs), "expected TIME_ID or ID_TIME", "<EventOutputFile");
    }
    SECTION("an output file without a name") {
        const std::string outputs = R"(        <OutputFile id="v">
            <OutputColumn id="v0" quantity="cells[0]/v"/>
        </OutputFile>
)";
        check_rejected(model("", "", outputs), "needs a fileName", "<OutputFile");
    }
}

TEST_CASE("simulation errors: simulation settings", "[lems][simulation]") {
    SECTION("a seed that is not a 32-bit integer") {
        check_rejected(model("", "", "", "length=\"2ms\" step=\"0.1ms\" seed=\"lucky\""),
                       "seed=\"lucky\" is not a 32-bit integer", "<Simulation");
    }
    SECTION("a time step that is not positive") {
        check_rejected(model("", "", "", "length=\"2ms\" step=\"0ms\""),
                       "the time step must be positive", "<Simulation");
    }
}

TEST_CASE("simulation errors: connections that cannot be wired", "[lems][simulation]") {
    SECTION("an input for an attachment set the cell does not have") {
        check_rejected(model("",
                             "        <explicitInput target=\"cells[0]\" input=\"syn\" "
                             "destination=\"dendrites\"/>\n",
                             ""),
                       "has no attachment set 'dendrites'", "<explicitInput");
    }
    SECTION("an input to a component that takes no attachments") {
        check_rejected(model("", "        <explicitInput target=\"gens[0]\" input=\"syn\"/>\n", ""),
                       "has no Attachments to receive expOneSynapse", "<explicitInput");
    }
    SECTION("a connection naming a port the source does not have") {
        const std::string types = R"(    <ComponentType name="wire" extends="explicitConnection">
        <Path name="from"/>
        <Path name="to"/>
        <Text name="out"/>
        <Structure>
            <With instance="from" as="a"/>
            <With instance="to" as="b"/>
            <EventConnection from="a" to="b" sourcePort="out"/>
        </Structure>
    </ComponentType>
)";
        check_rejected(
            model(types, "        <wire from=\"gens[0]\" to=\"cells[0]\" out=\"pulse\"/>\n", ""),
            "has no output port 'pulse'", "<wire");
    }
    SECTION("a connection naming a port the target does not have") {
        const std::string types = R"(    <ComponentType name="wire" extends="explicitConnection">
        <Path name="from"/>
        <Path name="to"/>
        <Text name="in"/>
        <Structure>
            <With instance="from" as="a"/>
            <With instance="to" as="b"/>
            <EventConnection from="a" to="b" targetPort="in"/>
        </Structure>
    </ComponentType>
)";
        check_rejected(
            model(types, "        <wire from=\"gens[0]\" to=\"cells[0]\" in=\"dendrite\"/>\n", ""),
            "has no input port 'dendrite'", "<wire");
    }
}

TEST_CASE("simulation errors: values a component reads from others", "[lems][simulation]") {
    // A cell type that reads one current from its synapses, without a reduce.
    const std::string reader = R"(    <ComponentType name="reader" extends="baseCellMembPot">
        <Attachments name="synapses" type="basePointCurrent"/>
        <Dynamics>
            <StateVariable name="v" dimension="voltage" exposure="v"/>
            <DerivedVariable name="current" dimension="current" select="synapses[*]/i"/>
        </Dynamics>
    </ComponentType>
    <reader id="greedy"/>
)";
    // A cell type whose synapses need a potential it does not have.
    const std::string silent_cell = R"(    <ComponentType name="silentCell" extends="baseCell">
        <Attachments name="synapses" type="basePointCurrent"/>
        <Dynamics>
            <StateVariable name="u" dimension="none"/>
        </Dynamics>
    </ComponentType>
    <silentCell id="quiet"/>
)";
    SECTION("a requirement no enclosing component provides") {
        const std::string network = R"(        <population id="quiets" component="quiet" size="1"/>
        <explicitInput target="quiets[0]" input="syn"/>
)";
        check_rejected(model(silent_cell, network, ""),
                       "requires 'v', which no enclosing component provides", "<expOneSynapse");
    }
    SECTION("a required path that finds nothing") {
        const std::string types = R"(    <ComponentType name="needy" extends="baseCell">
        <Children name="parts" type="baseCell"/>
        <Dynamics>
            <DerivedVariable name="total" dimension="none" select="parts[*]/u" reduce="add" required="true"/>
        </Dynamics>
    </ComponentType>
    <needy id="lonely"/>
)";
        check_rejected(model(types,
                             "        <population id="
                             "\"lonelies\" component=\"lonely\" size=\"1\"/>\n",
                             ""),
                       "finds nothing", "<needy id");
    }
    SECTION("a path that finds several values without a reduce") {
        const std::string types =
            reader + R"(    <expOneSynapse id="syn2" gbase="2nS" erev="0mV" tauDecay="2ms"/>
)";
        const std::string network =
            R"(        <population id="greedies" component="greedy" size="1"/>
        <explicitInput target="greedies[0]" input="syn"/>
        <explicitInput target="greedies[0]" input="syn2"/>
)";
        check_rejected(model(types, network, ""), "a reduce is needed", "<reader id");
    }
    SECTION("several synapses of one component without a reduce, which are never merged into one") {
        const std::string& types = reader;
        const std::string network =
            R"(        <population id="greedies" component="greedy" size="1"/>
        <projection id="twice" presynapticPopulation="gens" postsynapticPopulation="greedies" synapse="syn">
            <connection id="0" preCellId="../gens[0]" postCellId="../greedies[0]"/>
            <connection id="1" preCellId="../gens[0]" postCellId="../greedies[0]"/>
        </projection>
)";
        check_rejected(model(types, network, ""), "a reduce is needed", "<reader id");
    }
}

TEST_CASE("simulation errors: structures that cannot be built", "[lems][simulation]") {
    const std::string crowd = R"(    <ComponentType name="dotType" extends="baseCell"/>
    <dotType id="dot"/>
    <ComponentType name="crowd" extends="baseCell">
        <Parameter name="n" dimension="none"/>
        <ComponentReference name="member" type="baseCell"/>
        <Structure>
            <MultiInstantiate number="n" component="member"/>
        </Structure>
    </ComponentType>
)";
    auto population = [](const std::string& component) {
        return "        <population id=\"p\" component=\"" + component + "\" size=\"1\"/>\n";
    };
    // A count derived from parameters is only known when the network is built.
    const std::string scaled_crowd = R"(    <ComponentType name="scaledCrowd" extends="baseCell">
        <Parameter name="n" dimension="none"/>
        <Parameter name="scale" dimension="none"/>
        <DerivedParameter name="count" dimension="none" value="n * scale"/>
        <ComponentReference name="member" type="baseCell"/>
        <Structure>
            <MultiInstantiate number="count" component="member"/>
        </Structure>
    </ComponentType>
)";
    SECTION("more instances than the simulator takes, refused before they are made") {
        const std::string types =
            crowd + scaled_crowd +
            "    <scaledCrowd id=\"huge\" n=\"300000\" scale=\"1000\" member=\"dot\"/>\n";
        check_rejected(model(types, population("huge"), ""),
                       "the network needs more than 200000000 instances",
                       "<scaledCrowd id=\"huge\"");
    }
    SECTION("too many instances through nesting, refused after the first member") {
        const std::string types = crowd + R"(    <crowd id="inner" n="20000" member="dot"/>
    <crowd id="outer" n="20000" member="inner"/>
)";
        check_rejected(model(types, population("outer"), ""), "(20000 x 20001 in n)",
                       "<crowd id=\"outer\"");
    }
    SECTION("a number of instances that is not a whole number") {
        const std::string types =
            crowd + scaled_crowd +
            "    <scaledCrowd id=\"odd\" n=\"5\" scale=\"0.5\" member=\"dot\"/>\n";
        check_rejected(model(types, population("odd"), ""),
                       "count must be a non-negative whole number", "<scaledCrowd id=\"odd\"");
    }
    SECTION("a MultiInstantiate by component type") {
        const std::string types = R"(    <ComponentType name="dotType" extends="baseCell"/>
    <ComponentType name="typedCrowd" extends="baseCell">
        <Parameter name="n" dimension="none"/>
        <Structure>
            <MultiInstantiate number="n" componentType="dotType"/>
        </Structure>
    </ComponentType>
    <typedCrowd id="typed" n="3"/>
)";
        check_rejected(model(types, population("typed"), ""),
                       "MultiInstantiate by componentType is not supported",
                       "<MultiInstantiate number");
    }
    SECTION("a component that contains itself") {
        const std::string types = R"(    <ComponentType name="ouroboros" extends="baseCell">
        <ComponentReference name="again" type="baseCell"/>
        <Structure>
            <ChildInstance component="again"/>
        </Structure>
    </ComponentType>
    <ouroboros id="snake" again="snake"/>
)";
        check_rejected(model(types, population("snake"), ""),
                       "levels deep; does a component instantiate itself?", "<ouroboros id");
    }
}
