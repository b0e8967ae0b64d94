// How the loader finds and reads files: include resolution, reading each file once, line numbers,
// inheritance, NeuroML documents, type overrides, unit conversion and constants.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/diagnostics.hpp>
#include <sf/lems/error.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/model_info.hpp>
#include <sf/lems/simulator.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sf::lems::component;
using sf::lems::component_type;
using sf::lems::diagnostics;
using sf::lems::load_options;
using sf::lems::model;
using sf::lems::test::line_of;
using sf::lems::test::listing;
using sf::lems::test::read_table;

namespace {

struct temp_folder : sf::lems::test::temp_folder {
    temp_folder() : sf::lems::test::temp_folder("sf_test_loader") {}
};

load_options self_contained() {
    load_options options;
    options.builtin_core_types = false;
    return options;
}

// Loads `file`, requiring that nothing is wrong with it.
model load_clean(const fs::path& file, const load_options& options) {
    diagnostics problems;
    model result = sf::lems::load_model({file}, options, problems);
    INFO(listing(problems.problems()));
    REQUIRE(problems.empty());
    return result;
}

// A file that defines one empty ComponentType, so that a test can tell which file was read.
std::string marker(const std::string& type_name) {
    return "<Lems>\n    <ComponentType name=\"" + type_name + "\"/>\n</Lems>\n";
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

const std::string dimensions = R"(
    <Dimension name="time" t="1"/>
    <Dimension name="per_time" t="-1"/>
    <Dimension name="voltage" m="1" l="2" t="-3" i="-1"/>
    <Unit symbol="s" dimension="time" power="0"/>
    <Unit symbol="ms" dimension="time" power="-3"/>
    <Unit symbol="per_ms" dimension="per_time" power="3"/>
    <Unit symbol="mV" dimension="voltage" power="-3"/>
)";

} // namespace

TEST_CASE("loader: includes are found beside the includer, then on the include path, then in the "
          "core types",
          "[lems][loader]") {
    temp_folder dir;
    const std::string main_text = "<Lems>\n    <Include file=\"defs.xml\"/>\n</Lems>\n";
    const fs::path main_file = dir.write("models/main.xml", main_text);
    load_options options = self_contained();
    options.include_paths = {dir.path() / "lib1", dir.path() / "lib2"};
    dir.write("lib1/defs.xml", marker("fromLib1"));
    dir.write("lib2/defs.xml", marker("fromLib2"));

    SECTION("beside the including file first") {
        dir.write("models/defs.xml", marker("beside"));
        const model m = load_clean(main_file, options);
        CHECK(m.find_type("beside") != nullptr);
        CHECK(m.find_type("fromLib1") == nullptr);
        CHECK(m.library_files.empty());
    }
    SECTION("then the include path, in order") {
        const model m = load_clean(main_file, options);
        CHECK(m.find_type("fromLib1") != nullptr);
        CHECK(m.find_type("fromLib2") == nullptr);
        CHECK(m.library_files == std::vector<std::string>{(dir.path() / "lib1/defs.xml").string()});
    }
    SECTION("not the working directory") {
        // A file of the same name in the current folder must not be picked up.
        const fs::path previous = fs::current_path();
        dir.write("cwd/defs.xml", marker("fromCwd"));
        fs::current_path(dir.path() / "cwd");
        const model m = load_clean(main_file, options);
        fs::current_path(previous);
        CHECK(m.find_type("fromCwd") == nullptr);
        CHECK(m.find_type("fromLib1") != nullptr);
    }
    SECTION("an include inside an included file is relative to that file") {
        const fs::path nested =
            dir.write("models/nested.xml", "<Lems>\n    <Include file=\"deep/a.xml\"/>\n</Lems>\n");
        dir.write("models/deep/a.xml", "<Lems>\n    <Include file=\"b.xml\"/>\n</Lems>\n");
        dir.write("models/deep/b.xml", marker("deepB"));
        dir.write("models/b.xml", marker("shallowB"));
        const model m = load_clean(nested, options);
        CHECK(m.find_type("deepB") != nullptr);
        CHECK(m.find_type("shallowB") == nullptr);
    }
    SECTION("the include path comes before the core types") {
        const fs::path file =
            dir.write("models/cells.xml", "<Lems>\n    <Include file=\"Cells.xml\"/>\n</Lems>\n");
        dir.write("lib2/Cells.xml", marker("myCells"));
        load_options with_core = options;
        with_core.builtin_core_types = true;
        const model m = load_clean(file, with_core);
        CHECK(m.find_type("myCells") != nullptr);
        CHECK(m.find_type("iafCell") == nullptr);
    }
    SECTION("the core types last") {
        const fs::path file =
            dir.write("models/cells.xml", "<Lems>\n    <Include file=\"Cells.xml\"/>\n</Lems>\n");
        const model m = load_clean(file, load_options{});
        CHECK(m.find_type("iafCell") != nullptr);
        const fs::path builtin =
            fs::weakly_canonical(sf::lems::builtin_core_types_dir() / "Cells.xml");
        CHECK(contains(m.library_files, builtin.string()));
    }
    SECTION("no core types when they are turned off") {
        const fs::path file =
            dir.write("models/cells.xml", "<Lems>\n    <Include file=\"Cells.xml\"/>\n</Lems>\n");
        diagnostics problems;
        static_cast<void>(sf::lems::load_model({file}, self_contained(), problems));
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems.problems().front().message(),
                   Catch::Contains("included file 'Cells.xml' not found"));
    }
}

TEST_CASE("loader: a file included several times is read once", "[lems][loader]") {
    temp_folder dir;
    dir.write("common.xml",
              "<Lems>" + dimensions + "    <ComponentType name=\"common\"/>\n</Lems>\n");
    dir.write(
        "a.xml",
        "<Lems>\n    <Include file=\"common.xml\"/>\n    <ComponentType name=\"a\"/>\n</Lems>\n");
    dir.write("sub/b.xml", "<Lems>\n    <Include file=\"../common.xml\"/>\n    <ComponentType "
                           "name=\"b\"/>\n</Lems>\n");
    const fs::path main_file = dir.write("main.xml", "<Lems>\n"
                                                     "    <Include file=\"a.xml\"/>\n"
                                                     "    <Include file=\"sub/b.xml\"/>\n"
                                                     "    <Include file=\"./common.xml\"/>\n"
                                                     "    <common id=\"c\"/>\n"
                                                     "</Lems>\n");
    SECTION("through several includes under different spellings") {
        // Reading common.xml twice would define its type twice, which is an error.
        const model m = load_clean(main_file, self_contained());
        CHECK(m.files.size() == 4);
        CHECK(std::count(m.files.begin(), m.files.end(), (dir.path() / "common.xml").string()) ==
              1);
        CHECK(m.types.size() == 3);
    }
    SECTION("named twice on the command line") {
        diagnostics problems;
        const model m = sf::lems::load_model({main_file, main_file, dir.path() / "a.xml"},
                                             self_contained(), problems);
        INFO(listing(problems.problems()));
        CHECK(problems.empty());
        CHECK(m.files.size() == 4);
        CHECK(m.components.size() == 1);
    }
}

TEST_CASE("loader: elements know the line they start on", "[lems][loader]") {
    temp_folder dir;
    std::string text = "<Lems>" + dimensions + R"(
    <!-- a comment
         over two lines -->
    <ComponentType name="holder">
        <Parameter name="tau" dimension="time"/>
        <Children name="items" type="item"/>
    </ComponentType>
    <ComponentType name="item"/>

    <holder id="h"
            tau="2ms">
        <item id="first"/>

        <item id="second"/>
    </holder>
</Lems>
)";
    std::string line_end = "\n";
    SECTION("with LF line ends") {}
    SECTION("with CRLF line ends") { line_end = "\r\n"; }
    std::string written;
    for (const char c : text) {
        written += c == '\n' ? line_end : std::string(1, c);
    }
    const fs::path file = dir.write("model.xml", written);
    const model m = load_clean(file, self_contained());
    const component_type* holder = m.find_type("holder");
    REQUIRE(holder != nullptr);
    CHECK(holder->where.file == file.string());
    CHECK(holder->where.line == line_of(text, "<ComponentType name=\"holder\""));
    CHECK(holder->parameters.at(0).where.line == line_of(text, "<Parameter name=\"tau\""));
    const component* h = m.find_component("h");
    REQUIRE(h != nullptr);
    CHECK(h->where.line == line_of(text, "<holder id"));
    REQUIRE(h->children.size() == 2);
    CHECK(h->children[0]->where.line == line_of(text, "<item id=\"first\""));
    CHECK(h->children[1]->where.line == line_of(text, "<item id=\"second\""));
    CHECK(h->children[1]->role == "items");
}

TEST_CASE("loader: extends inherits parameters, exposures and values", "[lems][loader]") {
    temp_folder dir;
    const std::string types = R"(
    <ComponentType name="base">
        <Parameter name="tau" dimension="time"/>
        <Exposure name="x" dimension="none"/>
        <EventPort name="spike" direction="out"/>
    </ComponentType>
    <ComponentType name="middle" extends="base">
        <Parameter name="gain" dimension="none"/>
        <Exposure name="y" dimension="voltage"/>
    </ComponentType>
    <ComponentType name="leaf" extends="middle">
        <Parameter name="tau" dimension="voltage"/>
    </ComponentType>
)";
    SECTION("the members of every ancestor") {
        const fs::path file =
            dir.write("model.xml", "<Lems>" + dimensions + types +
                                       "    <middle id=\"m\" tau=\"2ms\" gain=\"3\"/>\n"
                                       "    <middle id=\"copy\" extends=\"m\" gain=\"4\"/>\n"
                                       "    <leaf id=\"l\" tau=\"5mV\" gain=\"1\"/>\n</Lems>\n");
        const model m = load_clean(file, self_contained());
        const component_type* middle = m.find_type("middle");
        REQUIRE(middle != nullptr);
        CHECK(middle->base == m.find_type("base"));
        CHECK(middle->is_or_extends("base"));
        REQUIRE(middle->find_parameter("tau") != nullptr);
        CHECK(middle->find_parameter("tau")->dimension_name == "time");
        CHECK(middle->find_parameter("gain") != nullptr);
        CHECK(middle->find_exposure("x") != nullptr);
        CHECK(middle->find_exposure("y") != nullptr);
        CHECK(middle->find_event_port("spike") != nullptr);
        const component_type* leaf = m.find_type("leaf");
        REQUIRE(leaf != nullptr);
        CHECK(leaf->is_or_extends("base"));
        CHECK(leaf->find_exposure("x") != nullptr);
        // A redeclared parameter replaces the inherited one.
        CHECK(leaf->find_parameter("tau")->dimension_name == "voltage");
        CHECK(std::count_if(leaf->parameters.begin(), leaf->parameters.end(),
                            [](const auto& p) { return p.name == "tau"; }) == 1);

        CHECK(m.find_component("m")->parameters.at("tau") == Approx(0.002));
        CHECK(m.find_component("m")->parameters.at("gain") == 3.0);
        // A component extending another starts from its values.
        const component* copy = m.find_component("copy");
        CHECK(copy->type == middle);
        CHECK(copy->parameters.at("tau") == Approx(0.002));
        CHECK(copy->parameters.at("gain") == 4.0);
        CHECK(m.find_component("l")->parameters.at("tau") == Approx(0.005));
    }
    SECTION("an inherited parameter is required like an own one") {
        const std::string text =
            "<Lems>" + dimensions + types + "    <middle id=\"m\" gain=\"3\"/>\n</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        diagnostics problems;
        static_cast<void>(sf::lems::load_model({file}, self_contained(), problems));
        REQUIRE(problems.size() == 1);
        CHECK(problems.problems().front().where().line == line_of(text, "<middle id"));
        CHECK_THAT(problems.problems().front().message(),
                   Catch::Contains("missing parameter 'tau' (time)"));
    }
    SECTION("an unknown or cyclic base is reported") {
        const std::string text = "<Lems>\n"
                                 "    <ComponentType name=\"orphan\" extends=\"nosuch\"/>\n"
                                 "    <ComponentType name=\"ping\" extends=\"pong\"/>\n"
                                 "    <ComponentType name=\"pong\" extends=\"ping\"/>\n"
                                 "</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        diagnostics problems;
        static_cast<void>(sf::lems::load_model({file}, self_contained(), problems));
        const std::string all = listing(problems.problems());
        CHECK_THAT(all, Catch::Contains(
                            file.string() +
                            ":2: ComponentType orphan: extends unknown ComponentType 'nosuch'"));
        CHECK_THAT(all, Catch::Contains("extends itself"));
    }
}

TEST_CASE("loader: a user-defined ComponentType with a non-linear term works in a network like a "
          "core type",
          "[lems][loader]") {
    temp_folder dir;
    // myIaf is iafCell written in the model file, plus k (v - E)^2 in the membrane current.
    std::string k;
    SECTION("with the non-linear term switched off it behaves exactly as iafCell") {
        k = "0 nS_per_mV";
    }
    SECTION("with the non-linear term it fires earlier") { k = "0.01 nS_per_mV"; }
    const std::string text = R"xml(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <Dimension name="conductance_per_voltage" m="-2" l="-4" t="6" i="3"/>
    <Unit symbol="nS_per_mV" dimension="conductance_per_voltage" power="-6"/>
    <ComponentType name="myIaf" extends="baseIafCapCell">
        <Parameter name="leakConductance" dimension="conductance"/>
        <Parameter name="leakReversal" dimension="voltage"/>
        <Parameter name="k" dimension="conductance_per_voltage"/>
        <Attachments name="synapses" type="basePointCurrent"/>
        <Dynamics>
            <StateVariable name="v" dimension="voltage" exposure="v"/>
            <DerivedVariable name="iSyn" dimension="current" exposure="iSyn"
                select="synapses[*]/i" reduce="add"/>
            <DerivedVariable name="iMemb" dimension="current" exposure="iMemb"
                value="leakConductance * (leakReversal - v) + iSyn
                    + k * (v - leakReversal) * (v - leakReversal)"/>
            <TimeDerivative variable="v" value="iMemb / C"/>
            <OnStart>
                <StateAssignment variable="v" value="leakReversal"/>
            </OnStart>
            <OnCondition test="v .gt. thresh">
                <StateAssignment variable="v" value="reset"/>
                <EventOut port="spike"/>
            </OnCondition>
        </Dynamics>
    </ComponentType>
    <iafCell id="core" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV"/>
    <myIaf id="mine" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV" k=")xml" +
                             k + R"xml("/>
    <pulseGenerator id="pulse" delay="2ms" duration="100ms" amplitude="0.5nA"/>
    <network id="net">
        <population id="corePop" component="core" size="2"/>
        <population id="minePop" component="mine" size="2"/>
        <explicitInput target="corePop[1]" input="pulse"/>
        <explicitInput target="minePop[1]" input="pulse"/>
    </network>
    <Simulation id="sim" length="80ms" step="0.05ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="core" quantity="corePop[1]/v"/>
            <OutputColumn id="mine" quantity="minePop[1]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.dat" format="ID_TIME">
            <EventSelection id="core" select="corePop[1]" eventPort="spike"/>
            <EventSelection id="mine" select="minePop[1]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)xml";
    const fs::path file = dir.write("model.xml", text);
    const model m = load_clean(file, load_options{});
    CHECK(m.find_component("mine")->type == m.find_type("myIaf"));
    CHECK_THAT(sf::lems::describe_model(m),
               Catch::Contains("population minePop: 2 x mine (myIaf)"));
    sf::lems::simulation_options options;
    options.output_dir = dir.path() / "out";
    static_cast<void>(sf::lems::simulate(m, options));

    const auto volts = read_table(dir.path() / "out/volts.dat");
    REQUIRE(volts.size() == 1601);
    std::vector<std::string> core_spikes;
    std::vector<std::string> mine_spikes;
    for (const auto& row : read_table(dir.path() / "out/spikes.dat")) {
        REQUIRE(row.size() == 2);
        (row[0] == "core" ? core_spikes : mine_spikes).push_back(row[1]);
    }
    REQUIRE_FALSE(core_spikes.empty());
    REQUIRE_FALSE(mine_spikes.empty());
    if (k.front() == '0' && k[1] == ' ') {
        for (const auto& row : volts) {
            REQUIRE(row.size() == 3);
            REQUIRE(row[1] == row[2]);
        }
        CHECK(mine_spikes == core_spikes);
    } else {
        // (v - E)^2 only adds depolarising current: the user's cell is ahead from the first step
        // of the pulse until it fires.
        CHECK(std::stod(mine_spikes.front()) < std::stod(core_spikes.front()));
        CHECK(std::stod(volts[200][2]) > std::stod(volts[200][1]));
    }
}

TEST_CASE("loader: NeuroML documents and their <include href>", "[lems][loader]") {
    temp_folder dir;
    dir.write("nml/inputs.nml", R"(<?xml version="1.0" encoding="UTF-8"?>
<neuroml xmlns="http://www.neuroml.org/schema/neuroml2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.neuroml.org/schema/neuroml2 NeuroML_v2.3.xsd" id="inputs">
    <pulseGenerator id="pulse" delay="2ms" duration="10ms" amplitude="0.2nA"/>
</neuroml>
)");
    const std::string cells = R"(<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="cells">
    <include href="inputs.nml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV"/>
    <network id="net">
        <population id="pop" component="iaf" size="3"/>
        <explicitInput target="pop[2]" input="pulse"/>
    </network>
</neuroml>
)";
    const fs::path cells_file = dir.write("nml/cells.nml", cells);
    const fs::path main_file = dir.write("main.xml", R"(<Lems>
    <Target component="sim"/>
    <Include file="NeuroML2CoreTypes.xml"/>
    <Include file="Simulation.xml"/>
    <Include file="nml/cells.nml"/>
    <Simulation id="sim" length="1ms" step="0.1ms" target="net"/>
</Lems>
)");
    const model m = load_clean(main_file, load_options{});
    CHECK(contains(m.files, cells_file.string()));
    CHECK(contains(m.files, (dir.path() / "nml/inputs.nml").string()));
    REQUIRE(m.find_component("pulse") != nullptr);
    CHECK(m.find_component("pulse")->type_name == "pulseGenerator");
    CHECK(m.find_component("pulse")->parameters.at("amplitude") == Approx(0.2e-9));
    const component* net = m.find_component("net");
    REQUIRE(net != nullptr);
    CHECK(net->where.file == cells_file.string());
    CHECK(net->where.line == line_of(cells, "<network"));
    REQUIRE(net->children.size() == 2);
    CHECK(net->children[0]->role == "populations");
    CHECK(net->children[1]->role == "explicitInputs");
    CHECK_NOTHROW(sf::lems::check_simulation(m));

    SECTION("a document that is neither LEMS nor NeuroML is refused") {
        const fs::path other = dir.write("other.xml", "<Lemz>\n</Lemz>\n");
        diagnostics problems;
        static_cast<void>(sf::lems::load_model({other}, self_contained(), problems));
        REQUIRE(problems.size() == 1);
        CHECK_THAT(
            problems.problems().front().what(),
            Catch::Contains(other.string() + ":1: Lemz: expected a <Lems> or <neuroml> document"));
    }
}

TEST_CASE("loader: a type attribute overrides the element name", "[lems][loader]") {
    temp_folder dir;
    const fs::path file = dir.write("model.xml", R"(<Lems>
    <Include file="NeuroML2CoreTypes.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV"/>
    <network id="net">
        <population id="placed" type="populationList" component="iaf">
            <instance id="0">
                <location x="1" y="2" z="3"/>
            </instance>
            <instance id="1">
                <location x="4" y="5" z="6"/>
            </instance>
        </population>
    </network>
    <Component id="generic" type="pulseGenerator" delay="1ms" duration="2ms" amplitude="1nA"/>
</Lems>
)");
    load_options options;
    const model m = load_clean(file, options);
    const component* placed = m.find_component("net")->child("placed");
    REQUIRE(placed != nullptr);
    CHECK(placed->element == "population");
    CHECK(placed->type_name == "populationList");
    CHECK(placed->type == m.find_type("populationList"));
    REQUIRE(placed->children.size() == 2);
    CHECK(placed->children[1]->type_name == "instance");
    CHECK(placed->children[1]->children.at(0)->parameters.at("y") == 5.0);
    const component* generic = m.find_component("generic");
    CHECK(generic->type_name == "pulseGenerator");
    CHECK(generic->parameters.at("duration") == Approx(0.002));
}

TEST_CASE("loader: parameter values are converted to SI units", "[lems][loader]") {
    temp_folder dir;
    const fs::path file = dir.write("model.xml", R"(<Lems>
    <Include file="NeuroML2CoreTypes.xml"/>
    <iafCell id="iaf" C="1 nF" thresh="-50mV" reset="-7e1mV"
            leakConductance="0.01uS" leakReversal="-0.07V"/>
    <networkWithTemperature id="net" temperature="6.3 degC"/>
    <expOneSynapse id="syn" gbase="2.5E+1pS" erev="0mV" tauDecay="3ms"/>
    <ComponentType name="rates">
        <Parameter name="rate" dimension="per_time"/>
        <Parameter name="count" dimension="none"/>
    </ComponentType>
    <rates id="r" rate="0.2per_ms" count="-12"/>
</Lems>
)");
    const model m = load_clean(file, load_options{});
    const component& iaf = *m.find_component("iaf");
    CHECK(iaf.parameters.at("C") == Approx(1e-9).epsilon(1e-12));
    CHECK(iaf.parameters.at("thresh") == Approx(-0.05).epsilon(1e-12));
    CHECK(iaf.parameters.at("reset") == Approx(-0.07).epsilon(1e-12));
    CHECK(iaf.parameters.at("leakConductance") == Approx(1e-8).epsilon(1e-12));
    CHECK(iaf.parameters.at("leakReversal") == Approx(-0.07).epsilon(1e-12));
    // An offset unit: Celsius to kelvin.
    CHECK(m.find_component("net")->parameters.at("temperature") == Approx(279.45).epsilon(1e-12));
    CHECK(m.find_component("syn")->parameters.at("gbase") == Approx(2.5e-11).epsilon(1e-12));
    CHECK(m.find_component("syn")->parameters.at("erev") == 0.0);
    CHECK(m.find_component("r")->parameters.at("rate") == Approx(200.0).epsilon(1e-12));
    CHECK(m.find_component("r")->parameters.at("count") == -12.0);
}

TEST_CASE("loader: constants", "[lems][loader]") {
    temp_folder dir;
    const std::string types = R"(
    <Constant name="modelLevel" dimension="none" value="2"/>
    <ComponentType name="withConstants">
        <Constant name="tau0" dimension="time" value="2ms"/>
        <Constant name="gain" dimension="none" value="1.5"/>
        <Dynamics>
            <StateVariable name="x" dimension="none"/>
            <TimeDerivative variable="x" value="gain * (1 - x) / tau0"/>
        </Dynamics>
    </ComponentType>
    <ComponentType name="inheritsConstants" extends="withConstants"/>
)";
    SECTION("are converted to SI, usable in expressions and inherited") {
        const fs::path file =
            dir.write("model.xml", "<Lems>" + dimensions + types +
                                       "    <inheritsConstants id=\"c\"/>\n</Lems>\n");
        const model m = load_clean(file, self_contained());
        const component_type* type = m.find_type("withConstants");
        REQUIRE(type->find_constant("tau0") != nullptr);
        CHECK(type->find_constant("tau0")->si_value == Approx(0.002));
        CHECK(type->find_constant("gain")->si_value == 1.5);
        const component_type* derived = m.find_type("inheritsConstants");
        REQUIRE(derived->find_constant("tau0") != nullptr);
        CHECK(derived->find_constant("tau0")->si_value == Approx(0.002));
        // A model-level Constant is neither a component nor a problem.
        CHECK(m.find_component("modelLevel") == nullptr);
        CHECK(m.components.size() == 1);
    }
    SECTION("a constant whose value has the wrong dimension is reported") {
        const std::string text =
            "<Lems>" + dimensions +
            "    <ComponentType name=\"bad\">\n"
            "        <Constant name=\"tau0\" dimension=\"time\" value=\"2mV\"/>\n"
            "    </ComponentType>\n</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        diagnostics problems;
        static_cast<void>(sf::lems::load_model({file}, self_contained(), problems));
        REQUIRE(problems.size() == 1);
        const auto& p = problems.problems().front();
        CHECK(p.where().line == line_of(text, "<Constant"));
        CHECK(p.element() == "ComponentType bad: Constant tau0");
        CHECK_THAT(p.message(), Catch::Contains("value '2mV' has dimension"));
        CHECK_THAT(p.message(), Catch::Contains("declared as time"));
    }
}

TEST_CASE("loader: a NeuroML document given on its own brings the NeuroML2 core types",
          "[lems][loader]") {
    temp_folder dir;
    const fs::path file = dir.write("cells.nml", R"(<neuroml id="cells">
    <iafCell id="iaf" leakConductance="0.2nS" leakReversal="-65mV" thresh="-55mV" reset="-70mV" C="3.2pF"/>
    <network id="net">
        <population id="pop" component="iaf" size="2"/>
    </network>
</neuroml>
)");
    SECTION("with the built-in core types") {
        diagnostics problems;
        const model m = sf::lems::load_model({file}, {}, problems);
        INFO(listing(problems.problems()));
        CHECK(problems.empty());
        REQUIRE(m.find_component("iaf") != nullptr);
        CHECK(m.find_component("iaf")->type->name == "iafCell");
    }
    SECTION("without any core types the cells are of unknown types") {
        load_options options;
        options.builtin_core_types = false;
        diagnostics problems;
        sf::lems::load_model({file}, options, problems);
        REQUIRE_FALSE(problems.empty());
        CHECK_THAT(listing(problems.problems()),
                   Catch::Contains("unknown component type 'iafCell'"));
    }
}
