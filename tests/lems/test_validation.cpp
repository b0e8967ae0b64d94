// Every class of problem a user can make in a model file, each checked for the three things a
// message must tell: where (file:line), which element, and what was expected.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/diagnostics.hpp>
#include <sf/lems/error.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/simulator.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sf::lems::diagnostics;
using sf::lems::load_options;
using sf::lems::parse_error;
using sf::lems::test::line_of;
using sf::lems::test::listing;

namespace {

// A temporary folder named after this file's tests.
struct temp_folder : sf::lems::test::temp_folder {
    temp_folder() : sf::lems::test::temp_folder("sf_test_validation") {}
};

// Options for models that define everything they use: the core types stay out of the way.
load_options self_contained() {
    load_options options;
    options.builtin_core_types = false;
    return options;
}

diagnostics load(const fs::path& file, const load_options& options) {
    diagnostics problems;
    static_cast<void>(sf::lems::load_model({file}, options, problems));
    return problems;
}

// The single problem of a load; fails when there is not exactly one.
parse_error only_problem(const diagnostics& problems) {
    INFO(listing(problems.problems()));
    REQUIRE(problems.size() == 1);
    return problems.problems().front();
}

void check_problem(const parse_error& p, const fs::path& file, int line, const std::string& element,
                   const std::string& message) {
    INFO(p.what());
    CHECK(p.where().file == file.string());
    CHECK(p.where().line == line);
    CHECK_THAT(p.element(), Catch::Contains(element));
    CHECK_THAT(p.message(), Catch::Contains(message));
    // what() is the one line a user reads: file:line, then the element, then the message.
    CHECK_THAT(std::string(p.what()),
               Catch::StartsWith(file.string() + ":" + std::to_string(line) + ": "));
}

// Dimensions, units and one small user type shared by the models below.
const std::string prelude = R"(<Lems>
    <Dimension name="time" t="1"/>
    <Dimension name="voltage" m="1" l="2" t="-3" i="-1"/>
    <Unit symbol="s" dimension="time" power="0"/>
    <Unit symbol="ms" dimension="time" power="-3"/>
    <Unit symbol="mV" dimension="voltage" power="-3"/>
    <ComponentType name="decay">
        <Parameter name="tau" dimension="time"/>
        <Parameter name="x0" dimension="none"/>
        <Exposure name="x" dimension="none"/>
        <Dynamics>
            <StateVariable name="x" dimension="none" exposure="x"/>
            <TimeDerivative variable="x" value="-x / tau"/>
            <OnStart>
                <StateAssignment variable="x" value="x0"/>
            </OnStart>
        </Dynamics>
    </ComponentType>
)";

std::string lems(const std::string& body) { return prelude + body + "</Lems>\n"; }

// A ComponentType `broken` with the given members, for problems inside a type definition.
std::string broken_type(const std::string& members) {
    return lems("    <ComponentType name=\"broken\">\n"
                "        <Parameter name=\"tau\" dimension=\"time\"/>\n" +
                members + "    </ComponentType>\n");
}

// Two integrate-and-fire populations of sizes 2 and 3 in a network with a simulation, using the
// built-in core types; `network_items` are added inside the network.
std::string network_model(const std::string& network_items) {
    return R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV"/>
    <pulseGenerator id="pulse" delay="1ms" duration="5ms" amplitude="1nA"/>
    <expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>
    <gapJunction id="gap" conductance="1nS"/>
    <network id="net">
        <population id="two" component="iaf" size="2"/>
        <population id="three" component="iaf" size="3"/>
)" + network_items +
           R"(    </network>
    <Simulation id="sim" length="1ms" step="0.1ms" target="net"/>
</Lems>
)";
}

} // namespace

TEST_CASE("validation: malformed XML is reported at the line of the error", "[lems][validation]") {
    temp_folder dir;
    SECTION("mismatched end tag") {
        const std::string text = "<Lems>\n"
                                 "    <ComponentType name=\"a\">\n"
                                 "        <Parameter name=\"p\" dimension=\"none\"/>\n"
                                 "    </ComponentTyp>\n"
                                 "</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file, 4, "",
                      "malformed XML: </ComponentTyp> does not match <ComponentType>, opened at "
                      "line 2");
    }
    SECTION("a start tag left open inside an element closed later") {
        const std::string text =
            network_model("        <population id=\"four\" component=\"iaf\" size=\"4\">\n"
                          "        <population id=\"five\" component=\"iaf\" size=\"5\"/>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, {})), file, line_of(text, "id=\"four\""), "",
                      "malformed XML: <population> opened here is never closed (the parser "
                      "found </network> at line " +
                          std::to_string(line_of(text, "</network>")) + ")");
    }
    SECTION("an element still open where the file ends") {
        const std::string text = "<Lems>\n"
                                 "    <!-- <Unit> in a comment is no tag -->\n"
                                 "    <Unit symbol=\"a>b\" dimension=\"none\" power=\"0\"/>\n"
                                 "    <ComponentType name=\"a\">\n"
                                 "</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file, 4, "",
                      "malformed XML: <ComponentType> opened here is never closed (the parser "
                      "found </Lems> at line 5)");
    }
    SECTION("an end tag where nothing is open") {
        const std::string text = "<Lems/>\n</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        const parse_error p = only_problem(load(file, self_contained()));
        CHECK(p.where().file == file.string());
        CHECK_THAT(p.message(), Catch::Contains("malformed XML"));
    }
    SECTION("attribute value without quotes") {
        const std::string text = "<Lems>\n"
                                 "\n"
                                 "    <Unit symbol=ms dimension=\"time\" power=\"-3\"/>\n"
                                 "</Lems>\n";
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file, 3, "", "malformed XML");
    }
    SECTION("in an included file, the included file's line") {
        const fs::path file =
            dir.write("model.xml", "<Lems>\n    <Include file=\"part.xml\"/>\n</Lems>\n");
        const fs::path part = dir.write("part.xml", "<Lems>\n    <a>\n    <b>\n</Lems>\n");
        const parse_error p = only_problem(load(file, self_contained()));
        CHECK(p.where().file == part.string());
        CHECK(p.where().line >= 2);
        CHECK_THAT(p.message(), Catch::Contains("malformed XML"));
    }
}

TEST_CASE("validation: unknown elements in a ComponentType, Dynamics and Structure",
          "[lems][validation]") {
    temp_folder dir;
    SECTION("ComponentType") {
        const std::string text =
            broken_type("        <Paramater name=\"x\" dimension=\"none\"/>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<Paramater"),
                      "ComponentType broken: <Paramater>", "expected Parameter, DerivedParameter");
    }
    SECTION("Dynamics") {
        const std::string text =
            broken_type("        <Dynamics>\n"
                        "            <StateVariable name=\"x\" dimension=\"none\"/>\n"
                        "            <TimeDerivativ variable=\"x\" value=\"1\"/>\n"
                        "        </Dynamics>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file,
                      line_of(text, "<TimeDerivativ "), "ComponentType broken: <TimeDerivativ>",
                      "unknown element in Dynamics (expected StateVariable");
    }
    SECTION("Structure") {
        const std::string text =
            broken_type("        <ComponentReference name=\"c\" type=\"decay\"/>\n"
                        "        <Structure>\n"
                        "            <ChildInstanse component=\"c\"/>\n"
                        "        </Structure>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file,
                      line_of(text, "<ChildInstanse"), "ComponentType broken: <ChildInstanse>",
                      "unknown element in Structure (expected ChildInstance");
    }
    SECTION("an action block") {
        const std::string text =
            broken_type("        <Dynamics>\n"
                        "            <StateVariable name=\"x\" dimension=\"none\"/>\n"
                        "            <OnStart>\n"
                        "                <StateAssignmnt variable=\"x\" value=\"1\"/>\n"
                        "            </OnStart>\n"
                        "        </Dynamics>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file,
                      line_of(text, "<StateAssignmnt"), "ComponentType broken: <StateAssignmnt>",
                      "expected StateAssignment, EventOut or Transition");
    }
}

TEST_CASE("validation: a component of an unknown type", "[lems][validation]") {
    temp_folder dir;
    SECTION("by element name") {
        const std::string text = lems("    <decai id=\"d\" tau=\"1ms\" x0=\"1\"/>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<decai"),
                      "decai", "unknown component type 'decai'");
    }
    SECTION("by type attribute") {
        const std::string text = lems("    <Component id=\"d\" type=\"nosuch\" tau=\"1ms\"/>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file,
                      line_of(text, "<Component "), "Component", "unknown component type 'nosuch'");
    }
}

TEST_CASE("validation: a missing parameter", "[lems][validation]") {
    temp_folder dir;
    const std::string text = lems("    <decay id=\"d\" x0=\"1\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<decay id"), "d",
                  "missing parameter 'tau' (time) required by decay");
}

TEST_CASE("validation: an attribute the type does not have", "[lems][validation]") {
    temp_folder dir;
    const std::string text = lems("    <decay id=\"d\" tau=\"1ms\" x0=\"1\" colour=\"red\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<decay id"), "d",
                  "unknown attribute 'colour' (decay has: tau, x0)");
}

TEST_CASE("validation: a parameter value of the wrong dimension", "[lems][validation]") {
    temp_folder dir;
    const std::string text = lems("    <decay id=\"d\"\n        tau=\"10mV\" x0=\"1\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    // The component is reported at the line its element starts on.
    check_problem(
        only_problem(load(file, self_contained())), file, line_of(text, "<decay id"), "d",
        "parameter tau=\"10mV\" has dimension m^1 l^2 t^-3 i^-1 but decay declares it as time");
}

TEST_CASE("validation: a value in an unknown unit", "[lems][validation]") {
    temp_folder dir;
    const std::string text = lems("    <decay id=\"d\" tau=\"10 fortnights\" x0=\"1\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<decay id"), "d",
                  "parameter tau: ");
    CHECK_THAT(only_problem(load(file, self_contained())).message(), Catch::Contains("fortnights"));
}

TEST_CASE("validation: a reference to a component that does not exist", "[lems][validation]") {
    temp_folder dir;
    const std::string text =
        lems("    <ComponentType name=\"holder\">\n"
             "        <ComponentReference name=\"component\" type=\"decay\"/>\n"
             "    </ComponentType>\n"
             "    <decay id=\"d\" tau=\"1ms\" x0=\"1\"/>\n"
             "    <holder id=\"good\" component=\"d\"/>\n"
             "    <holder id=\"bad\" component=\"nosuch\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file,
                  line_of(text, "<holder id=\"bad\""), "bad",
                  "component=\"nosuch\" refers to no component with that id");
}

namespace {

// A projection from population two to three holding one connection with the given cell paths.
std::string projection_with(const std::string& pre_cell, const std::string& post_cell,
                            const std::string& pre = "two", const std::string& post = "three",
                            const std::string& synapse = "syn") {
    return "        <projection id=\"proj\" presynapticPopulation=\"" + pre +
           "\" postsynapticPopulation=\"" + post + "\" synapse=\"" + synapse +
           "\">\n"
           "            <connectionWD id=\"0\" preCellId=\"" +
           pre_cell + "\" postCellId=\"" + post_cell +
           "\" weight=\"1\" delay=\"1ms\"/>\n"
           "        </projection>\n";
}

} // namespace

TEST_CASE("validation: a network element addressing no population or a cell out of range",
          "[lems][validation]") {
    temp_folder dir;
    std::string item;
    std::string reported_at; // the element holding the defect, not the network or the projection
    std::string chain;       // the named elements from the network down
    std::string message;
    SECTION("connection post cell index out of range") {
        item = projection_with("../two[1]", "../three[7]");
        reported_at = "<connectionWD";
        chain = "network net > projection proj > connectionWD 0";
        message = "postCellId \"../three[7]\": cell 7 is out of range: population three "
                  "(component iaf) has 3 cells, 0..2";
    }
    SECTION("connection pre cell index out of range, written as a path through the cell") {
        item = projection_with("../two/2/iaf", "../three[0]");
        reported_at = "<connectionWD";
        chain = "network net > projection proj > connectionWD 0";
        message = "preCellId \"../two/2/iaf\": cell 2 is out of range: population two "
                  "(component iaf) has 2 cells, 0..1";
    }
    SECTION("connection cell path naming no population") {
        item = projection_with("../four[0]", "../three[0]");
        reported_at = "<connectionWD";
        chain = "network net > projection proj > connectionWD 0";
        message = "preCellId \"../four[0]\": network net has no population four (it has two, "
                  "three)";
    }
    SECTION("connection cell of another population than its projection's") {
        item = projection_with("../two[0]", "../two[1]");
        reported_at = "<connectionWD";
        chain = "network net > projection proj > connectionWD 0";
        message = "postCellId \"../two[1]\": a cell of population two, but projection proj's "
                  "postsynapticPopulation is three";
    }
    SECTION("projection postsynapticPopulation naming no population") {
        item = projection_with("../two[0]", "../three[0]", "two", "thre");
        reported_at = "<projection";
        chain = "network net > projection proj";
        message = "postsynapticPopulation=\"thre\" names no population of network net (it has "
                  "two, three)";
    }
    SECTION("projection presynapticPopulation naming no population") {
        item = projection_with("../two[0]", "../three[0]", "tow", "three");
        reported_at = "<projection";
        chain = "network net > projection proj";
        message = "presynapticPopulation=\"tow\" names no population of network net";
    }
    SECTION("projection synapse naming no component") {
        item = projection_with("../two[0]", "../three[0]", "two", "three", "nosyn");
        reported_at = "<projection";
        chain = "network net > projection proj";
        message = "synapse=\"nosyn\" refers to no component with that id";
    }
    SECTION("explicitInput target out of range") {
        item = "        <explicitInput target=\"two[5]\" input=\"pulse\"/>\n";
        reported_at = "<explicitInput";
        chain = "network net > explicitInput";
        message = "target \"two[5]\": cell 5 is out of range: population two (component iaf) "
                  "has 2 cells, 0..1";
    }
    SECTION("explicitInput target naming no population") {
        item = "        <explicitInput target=\"five[0]\" input=\"pulse\"/>\n";
        reported_at = "<explicitInput";
        chain = "network net > explicitInput";
        message = "target \"five[0]\": network net has no population five";
    }
    SECTION("inputList input target out of range") {
        item = "        <inputList id=\"inputs\" component=\"pulse\" population=\"three\">\n"
               "            <input id=\"0\" target=\"../three[3]/iaf\" destination=\"synapses\"/>\n"
               "        </inputList>\n";
        reported_at = "<input ";
        chain = "network net > inputList inputs > input 0";
        message = "target \"../three[3]/iaf\": cell 3 is out of range: population three";
    }
    SECTION("inputList input in another population than its list's") {
        item = "        <inputList id=\"inputs\" component=\"pulse\" population=\"three\">\n"
               "            <input id=\"0\" target=\"../two[1]/iaf\" destination=\"synapses\"/>\n"
               "        </inputList>\n";
        reported_at = "<input ";
        chain = "network net > inputList inputs > input 0";
        message = "target \"../two[1]/iaf\": a cell of population two, but input list inputs's "
                  "population is three";
    }
    SECTION("inputList population naming no population") {
        item = "        <inputList id=\"inputs\" component=\"pulse\" population=\"six\"/>\n";
        reported_at = "<inputList";
        chain = "network net > inputList inputs";
        message = "population=\"six\" names no population of network net";
    }
    SECTION("electrical connection by index out of range") {
        item = "        <electricalProjection id=\"gaps\" presynapticPopulation=\"two\" "
               "postsynapticPopulation=\"three\">\n"
               "            <electricalConnection id=\"0\" preCell=\"1\" postCell=\"9\" "
               "synapse=\"gap\"/>\n"
               "        </electricalProjection>\n";
        reported_at = "<electricalConnection ";
        chain = "network net > electricalProjection gaps > electricalConnection 0";
        message = "postCell=9: cell 9 is out of range: population three (component iaf) has 3 "
                  "cells, 0..2";
    }
    SECTION("electrical connection by path in another population") {
        item = "        <electricalProjection id=\"gaps\" presynapticPopulation=\"two\" "
               "postsynapticPopulation=\"three\">\n"
               "            <electricalConnectionInstance id=\"0\" preCell=\"../three[1]\" "
               "postCell=\"../three[2]\" synapse=\"gap\"/>\n"
               "        </electricalProjection>\n";
        reported_at = "<electricalConnectionInstance ";
        chain = "network net > electricalProjection gaps > electricalConnectionInstance 0";
        message = "preCell \"../three[1]\": a cell of population three, but electricalProjection "
                  "gaps's presynapticPopulation is two";
    }
    SECTION("electrical projection naming no population") {
        item = "        <electricalProjection id=\"gaps\" presynapticPopulation=\"two\" "
               "postsynapticPopulation=\"tree\"/>\n";
        reported_at = "<electricalProjection ";
        chain = "network net > electricalProjection gaps";
        message = "postsynapticPopulation=\"tree\" refers to no component with that id";
    }
    SECTION("electrical projection naming a component that is not a population") {
        item = "        <electricalProjection id=\"gaps\" presynapticPopulation=\"iaf\" "
               "postsynapticPopulation=\"three\"/>\n";
        reported_at = "<electricalProjection ";
        chain = "network net > electricalProjection gaps";
        message = "presynapticPopulation=\"iaf\" names no population of network net (it has two, "
                  "three)";
    }
    SECTION("continuous connection by path out of range") {
        item = "        <continuousProjection id=\"graded\" presynapticPopulation=\"two\" "
               "postsynapticPopulation=\"three\">\n"
               "            <continuousConnectionInstance id=\"0\" preCell=\"../two[0]\" "
               "postCell=\"../three[3]\" preComponent=\"gap\" postComponent=\"gap\"/>\n"
               "        </continuousProjection>\n";
        reported_at = "<continuousConnectionInstance ";
        chain = "network net > continuousProjection graded > continuousConnectionInstance 0";
        message = "postCell \"../three[3]\": cell 3 is out of range: population three";
    }
    SECTION("connection into a population list, by an instance id it does not list") {
        item = "        <population id=\"listed\" type=\"populationList\" component=\"iaf\" "
               "size=\"2\">\n"
               "            <instance id=\"0\"><location x=\"0\" y=\"0\" z=\"0\"/></instance>\n"
               "            <instance id=\"1\"><location x=\"1\" y=\"0\" z=\"0\"/></instance>\n"
               "        </population>\n" +
               projection_with("../two[0]", "../listed/5/iaf", "two", "listed");
        reported_at = "<connectionWD";
        chain = "network net > projection proj > connectionWD 0";
        message = "postCellId \"../listed/5/iaf\": cell 5 is out of range: population listed "
                  "(component iaf) lists 2 instances (ids 0, 1)";
    }
    SECTION("population list whose size disagrees with its instances") {
        item = "        <population id=\"listed\" type=\"populationList\" component=\"iaf\" "
               "size=\"3\">\n"
               "            <instance id=\"0\"><location x=\"0\" y=\"0\" z=\"0\"/></instance>\n"
               "        </population>\n";
        reported_at = "<population id=\"listed\"";
        chain = "network net > population listed";
        message = "size=\"3\" does not match the list: it lists 1 instance (ids 0)";
    }
    SECTION("population naming no cell component") {
        item = "        <population id=\"four\" component=\"nocell\" size=\"4\"/>\n";
        reported_at = "<population id=\"four\"";
        chain = "network net > population four";
        message = "component=\"nocell\" refers to no component with that id";
    }
    const std::string text = network_model(item);
    const fs::path file = dir.write("model.xml", text);
    const parse_error p = only_problem(load(file, {}));
    check_problem(p, file, line_of(text, reported_at), chain, message);
    CHECK(p.element() == chain);
}

TEST_CASE("validation: a population size that is not a count or too large to build",
          "[lems][validation]") {
    temp_folder dir;
    std::string size;
    SECTION("too large") { size = "1e9"; }
    SECTION("negative") { size = "-2"; }
    SECTION("fractional") { size = "2.5"; }
    std::string text = network_model("        <population id=\"many\" component=\"iaf\" size=\"" +
                                     size + "\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, {})), file, line_of(text, "<population id=\"many\""),
                  "many",
                  "size=\"" + size + "\" must be a whole number of instances from 0 to 1000000");
}

TEST_CASE("validation: elements nested absurdly deep", "[lems][validation]") {
    // Reading follows nesting by recursion; a file nested thousands deep must be refused, not
    // overflow the stack. Each <a> is on its own line: the 256th is the first too deep.
    temp_folder dir;
    std::string text = "<Lems>\n";
    for (int k = 0; k < 5000; ++k) {
        text += "<a>\n";
    }
    for (int k = 0; k < 5000; ++k) {
        text += "</a>";
    }
    text += "\n</Lems>\n";
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, 257, "a",
                  "nested more than 256 deep");
}

TEST_CASE("validation: absurdly long chains of extends or derived variables",
          "[lems][validation]") {
    // Both are followed by recursion; a chain of 100000 would overflow the stack, so chains beyond
    // 1000 are refused.
    temp_folder dir;
    const int length = 1100;
    SECTION("ComponentTypes extending each other") {
        std::string types;
        for (int k = 0; k < length; ++k) {
            types += "    <ComponentType name=\"t" + std::to_string(k) + "\" extends=\"t" +
                     std::to_string(k + 1) + "\"/>\n";
        }
        types += "    <ComponentType name=\"t" + std::to_string(length) + "\"/>\n";
        const std::string text = lems(types);
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file,
                      line_of(text, "name=\"t1001\""), "ComponentType t1001",
                      "extends through a chain of more than 1000 ComponentTypes");
    }
    SECTION("derived variables using each other") {
        std::string members = "        <Dynamics>\n";
        for (int k = 0; k < length; ++k) {
            members += "            <DerivedVariable name=\"d" + std::to_string(k) +
                       "\" dimension=\"none\" value=\"d" + std::to_string(k + 1) + " + 1\"/>\n";
        }
        members += "            <DerivedVariable name=\"d" + std::to_string(length) +
                   "\" dimension=\"none\" value=\"1\"/>\n"
                   "        </Dynamics>\n";
        const std::string text = broken_type(members);
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file,
                      line_of(text, "name=\"d1000\""), "ComponentType broken",
                      "derived variables depend on each other in a chain of more than 1000");
    }
}

TEST_CASE("validation: an expression that does not parse", "[lems][validation]") {
    temp_folder dir;
    std::string members;
    std::string element;
    std::string quoted;
    SECTION("TimeDerivative value") {
        members = "            <TimeDerivative variable=\"x\" value=\"-x / (tau\"/>\n";
        element = "<TimeDerivative>";
        quoted = "value=\"-x / (tau\"";
    }
    SECTION("OnCondition test") {
        members = "            <OnCondition test=\"x .gt.\">\n"
                  "                <StateAssignment variable=\"x\" value=\"0\"/>\n"
                  "            </OnCondition>\n";
        element = "<OnCondition>";
        quoted = "test=\"x .gt.\"";
    }
    SECTION("DerivedVariable value") {
        members = "            <DerivedVariable name=\"y\" dimension=\"none\" value=\"x ** 2\"/>\n";
        element = "<DerivedVariable>";
        quoted = "value=\"x ** 2\"";
    }
    const std::string text =
        broken_type("        <Dynamics>\n"
                    "            <StateVariable name=\"x\" dimension=\"none\"/>\n" +
                    members + "        </Dynamics>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, quoted),
                  "ComponentType broken: " + element, quoted);
}

TEST_CASE(
    "validation: an expression of inconsistent dimension is an error in the model and a warning "
    "in a library",
    "[lems][validation]") {
    temp_folder dir;
    // dx/dt = -x: the rate of a dimensionless x must be per time.
    const std::string library = "<Lems>\n"
                                "    <Dimension name=\"time\" t=\"1\"/>\n"
                                "    <ComponentType name=\"sloppy\">\n"
                                "        <Parameter name=\"tau\" dimension=\"time\"/>\n"
                                "        <Dynamics>\n"
                                "            <StateVariable name=\"x\" dimension=\"none\"/>\n"
                                "            <TimeDerivative variable=\"x\" value=\"-x\"/>\n"
                                "        </Dynamics>\n"
                                "    </ComponentType>\n"
                                "</Lems>\n";
    const int line = line_of(library, "<TimeDerivative");
    const std::string expected =
        "TimeDerivative of x: \"-x\" has dimension none but t^-1 was expected";
    SECTION("in the model file itself") {
        const fs::path file = dir.write("model.xml", library);
        const diagnostics problems = load(file, self_contained());
        check_problem(only_problem(problems), file, line, "ComponentType sloppy", expected);
        CHECK(problems.warnings().empty());
    }
    SECTION("in a file included from beside the model") {
        const fs::path file =
            dir.write("model.xml", "<Lems>\n    <Include file=\"sloppy.xml\"/>\n</Lems>\n");
        const fs::path included = dir.write("sloppy.xml", library);
        check_problem(only_problem(load(file, self_contained())), included, line,
                      "ComponentType sloppy", expected);
    }
    SECTION("in a file found through the include path") {
        const fs::path file =
            dir.write("model.xml", "<Lems>\n    <Include file=\"sloppy.xml\"/>\n</Lems>\n");
        const fs::path included = dir.write("lib/sloppy.xml", library);
        load_options options = self_contained();
        options.include_paths.push_back(dir.path() / "lib");
        const diagnostics problems = load(file, options);
        INFO(listing(problems.problems()));
        CHECK(problems.empty());
        REQUIRE(problems.warnings().size() == 1);
        check_problem(problems.warnings().front(), included, line, "ComponentType sloppy",
                      expected);
    }
}

TEST_CASE("validation: an unknown symbol in an expression", "[lems][validation]") {
    temp_folder dir;
    const std::string text =
        broken_type("        <Dynamics>\n"
                    "            <StateVariable name=\"x\" dimension=\"none\"/>\n"
                    "            <TimeDerivative variable=\"x\" value=\"-y / tau\"/>\n"
                    "        </Dynamics>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, "-y / tau"),
                  "ComponentType broken", "unknown symbol 'y' in \"-y / tau\"");
}

TEST_CASE("validation: derived variables that depend on each other in a cycle",
          "[lems][validation]") {
    temp_folder dir;
    const std::string text =
        broken_type("        <Dynamics>\n"
                    "            <StateVariable name=\"x\" dimension=\"none\"/>\n"
                    "            <DerivedVariable name=\"a\" dimension=\"none\" value=\"b + x\"/>\n"
                    "            <DerivedVariable name=\"b\" dimension=\"none\" value=\"c * 2\"/>\n"
                    "            <DerivedVariable name=\"c\" dimension=\"none\" value=\"a - 1\"/>\n"
                    "        </Dynamics>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, "name=\"a\""),
                  "ComponentType broken",
                  "derived variables depend on each other in a cycle: a -> b -> c -> a");
}

TEST_CASE("validation: an include file that does not exist", "[lems][validation]") {
    temp_folder dir;
    const std::string text = "<Lems>\n\n    <Include file=\"nosuch.xml\"/>\n</Lems>\n";
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, 3, "Include",
                  "included file 'nosuch.xml' not found (searched " + dir.path().string());
}

TEST_CASE("validation: files that include each other in a cycle", "[lems][validation]") {
    temp_folder dir;
    const fs::path a = dir.write("a.xml", "<Lems>\n    <Include file=\"b.xml\"/>\n</Lems>\n");
    const fs::path b = dir.write("b.xml", "<Lems>\n\n    <Include file=\"a.xml\"/>\n</Lems>\n");
    check_problem(only_problem(load(a, self_contained())), b, 3, "Include",
                  "include cycle: a.xml -> b.xml -> a.xml");
}

TEST_CASE("validation: an EventOut or OnEvent naming no suitable EventPort", "[lems][validation]") {
    temp_folder dir;
    std::string block;
    std::string expected;
    SECTION("EventOut to an unknown port") {
        block = "            <OnCondition test=\"x .gt. 1\">\n"
                "                <EventOut port=\"spike\"/>\n"
                "            </OnCondition>\n";
        expected = "EventOut: 'spike' is not an output EventPort of the type";
    }
    SECTION("EventOut to an input port") {
        block = "            <OnCondition test=\"x .gt. 1\">\n"
                "                <EventOut port=\"in\"/>\n"
                "            </OnCondition>\n";
        expected = "EventOut: 'in' is not an output EventPort of the type";
    }
    SECTION("OnEvent on an unknown port") {
        block = "            <OnEvent port=\"spike\">\n"
                "                <StateAssignment variable=\"x\" value=\"0\"/>\n"
                "            </OnEvent>\n";
        expected = "OnEvent: 'spike' is not an input EventPort of the type";
    }
    SECTION("OnEvent on an output port") {
        block = "            <OnEvent port=\"out\">\n"
                "                <StateAssignment variable=\"x\" value=\"0\"/>\n"
                "            </OnEvent>\n";
        expected = "OnEvent: 'out' is not an input EventPort of the type";
    }
    const std::string text =
        broken_type("        <EventPort name=\"in\" direction=\"in\"/>\n"
                    "        <EventPort name=\"out\" direction=\"out\"/>\n"
                    "        <Dynamics>\n"
                    "            <StateVariable name=\"x\" dimension=\"none\"/>\n" +
                    block + "        </Dynamics>\n");
    const fs::path file = dir.write("model.xml", text);
    const std::string reported_at =
        block.find("EventOut") != std::string::npos ? "<EventOut" : "<OnEvent";
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, reported_at),
                  "ComponentType broken", expected);
}

TEST_CASE("validation: a Transition to a regime that does not exist", "[lems][validation]") {
    temp_folder dir;
    const std::string text =
        broken_type("        <Dynamics>\n"
                    "            <StateVariable name=\"x\" dimension=\"none\"/>\n"
                    "            <Regime name=\"up\" initial=\"true\">\n"
                    "                <TimeDerivative variable=\"x\" value=\"1 / tau\"/>\n"
                    "                <OnCondition test=\"x .gt. 1\">\n"
                    "                    <Transition regime=\"dwon\"/>\n"
                    "                </OnCondition>\n"
                    "            </Regime>\n"
                    "            <Regime name=\"down\">\n"
                    "                <TimeDerivative variable=\"x\" value=\"-1 / tau\"/>\n"
                    "            </Regime>\n"
                    "        </Dynamics>\n");
    const fs::path file = dir.write("model.xml", text);
    check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<Transition"),
                  "ComponentType broken", "Transition: no Regime named 'dwon'");
}

TEST_CASE("validation: a model without a Simulation to run", "[lems][validation]") {
    temp_folder dir;
    SECTION("no <Target>") {
        const fs::path file =
            dir.write("model.xml", lems("    <decay id=\"d\" tau=\"1ms\" x0=\"1\"/>\n"));
        const sf::lems::model model = sf::lems::load_model({file}, self_contained());
        try {
            sf::lems::check_simulation(model);
            FAIL("a model without a Target was accepted");
        } catch (const parse_error& e) {
            CHECK(e.where().file == file.string());
            CHECK(e.element() == "Target");
            CHECK_THAT(e.message(), Catch::Contains("no <Target component=\"...\"/>"));
        }
    }
    SECTION("a Target that is not a Simulation") {
        const std::string text =
            lems("    <Target component=\"d\"/>\n    <decay id=\"d\" tau=\"1ms\" x0=\"1\"/>\n");
        const fs::path file = dir.write("model.xml", text);
        const sf::lems::model model = sf::lems::load_model({file}, self_contained());
        try {
            sf::lems::check_simulation(model);
            FAIL("a Target that is not a Simulation was accepted");
        } catch (const parse_error& e) {
            check_problem(e, file, line_of(text, "<decay id"), "d", "is a decay, not a Simulation");
        }
    }
    SECTION("a Target naming no component") {
        const std::string text =
            lems("    <Target component=\"sim\"/>\n    <decay id=\"d\" tau=\"1ms\" x0=\"1\"/>\n");
        const fs::path file = dir.write("model.xml", text);
        check_problem(only_problem(load(file, self_contained())), file, line_of(text, "<Target"),
                      "Target", "target component 'sim' is not defined");
    }
}

TEST_CASE("validation: every problem of a file is reported, not only the first",
          "[lems][validation]") {
    temp_folder dir;
    const std::string text = lems("    <ComponentType name=\"other\">\n"
                                  "        <Parameter name=\"p\" dimension=\"tyme\"/>\n"
                                  "        <Paramater name=\"q\" dimension=\"none\"/>\n"
                                  "    </ComponentType>\n"
                                  "    <decay id=\"a\" x0=\"1\"/>\n"
                                  "    <decay id=\"b\" tau=\"1 fortnight\" x0=\"1\"/>\n"
                                  "    <decay id=\"c\" tau=\"1ms\" x0=\"1\" colour=\"red\"/>\n"
                                  "    <decai id=\"e\"/>\n");
    const fs::path file = dir.write("model.xml", text);
    const diagnostics problems = load(file, self_contained());
    INFO(listing(problems.problems()));
    REQUIRE(problems.size() == 6);
    std::vector<int> lines;
    for (const auto& p : problems.problems()) {
        CHECK(p.where().file == file.string());
        lines.push_back(p.where().line);
    }
    std::sort(lines.begin(), lines.end());
    const std::vector<int> expected{
        line_of(text, "dimension=\"tyme\""), line_of(text, "<Paramater"),
        line_of(text, "<decay id=\"a\""),    line_of(text, "<decay id=\"b\""),
        line_of(text, "<decay id=\"c\""),    line_of(text, "<decai")};
    CHECK(lines == expected);
}

TEST_CASE("validation: a component whose structure instantiates itself", "[lems][validation]") {
    temp_folder dir;
    const std::string text = R"(<Lems>
    <Target component="sim"/>
    <Include file="Simulation.xml"/>
    <ComponentType name="selfish">
        <ComponentReference name="me" type="selfish"/>
        <Structure>
            <ChildInstance component="me"/>
        </Structure>
    </ComponentType>
    <selfish id="s" me="s"/>
    <Simulation id="sim" length="1ms" step="0.1ms" target="s"/>
</Lems>
)";
    const fs::path file = dir.write("model.xml", text);
    diagnostics problems;
    const sf::lems::model model = sf::lems::load_model({file}, {}, problems);
    REQUIRE(problems.empty());
    try {
        sf::lems::check_simulation(model);
        FAIL("check_simulation accepted a component that contains itself");
    } catch (const parse_error& e) {
        CHECK(e.where().file == file.string());
        CHECK(e.where().line == line_of(text, "<selfish id"));
        CHECK_THAT(e.message(), Catch::Contains("instantiate itself"));
    }
}
