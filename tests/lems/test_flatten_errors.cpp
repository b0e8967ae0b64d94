// What cannot be flattened into neurons the cores can run is refused by lems::flatten with
// parse_error naming the component, its line and why.
#include <string>
#include <typeinfo>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>

#include "model_text.hpp"
#include "test_support.hpp"

namespace {

namespace ir = sf::lems::ir;
using sf::lems::test::into_post;
using sf::lems::test::projection;
using sf::lems::test::temp_folder;
using sf::lems::test::weighted;

std::string lems(const std::string& body) { return sf::lems::test::lems_document(body); }

} // namespace

TEST_CASE("flatten errors: gap junctions are refused", "[lems][flatten]") {
    const std::string text = lems(R"(
    <gapJunction id="gj" conductance="10pS"/>
    <iafCell id="iaf" C="3.2pF" thresh="-55mV" reset="-70mV" leakConductance="0.2nS" leakReversal="-70mV"/>
    <network id="net">
        <population id="a" component="iaf" size="1"/>
        <population id="b" component="iaf" size="1"/>
        <electricalProjection id="gjs" presynapticPopulation="a" postsynapticPopulation="b">
            <electricalConnection id="0" preCell="0" postCell="0" synapse="gj"/>
        </electricalProjection>
    </network>)");
    temp_folder dir("sf_flatten_errors");
    const auto file = dir.write("model.xml", text);
    const sf::lems::model model = sf::lems::load_model({file});
    REQUIRE_THROWS_AS(sf::lems::flatten(model), sf::lems::parse_error);
    try {
        sf::lems::flatten(model);
    } catch (const sf::lems::parse_error& e) {
        INFO(e.what());
        CHECK(typeid(e) == typeid(sf::lems::parse_error));
        CHECK(e.where().file == file.string());
        CHECK(e.where().line == sf::lems::test::line_of(text, "<gapJunction"));
        CHECK_THAT(e.message(), Catch::Contains("reads 'v'"));
        CHECK_THAT(e.message(),
                   Catch::Contains("gap junctions and graded synapses cannot be mapped"));
    }
}

TEST_CASE("flatten errors: graded synapses are refused", "[lems][flatten]") {
    const std::string text = lems(R"(
    <silentSynapse id="silent"/>
    <gradedSynapse id="graded" conductance="5pS" delta="5mV" Vth="-55mV" k="0.025per_ms" erev="0mV"/>
    <iafCell id="iaf" C="3.2pF" thresh="-55mV" reset="-70mV" leakConductance="0.2nS" leakReversal="-70mV"/>
    <network id="net">
        <population id="a" component="iaf" size="1"/>
        <population id="b" component="iaf" size="1"/>
        <continuousProjection id="gc" presynapticPopulation="a" postsynapticPopulation="b">
            <continuousConnection id="0" preCell="0" postCell="0" preComponent="silent" postComponent="graded"/>
        </continuousProjection>
    </network>)");
    temp_folder dir("sf_flatten_errors");
    const auto file = dir.write("model.xml", text);
    const sf::lems::model model = sf::lems::load_model({file});
    REQUIRE_THROWS_AS(sf::lems::flatten(model), sf::lems::parse_error);
    try {
        sf::lems::flatten(model);
    } catch (const sf::lems::parse_error& e) {
        INFO(e.what());
        CHECK(typeid(e) == typeid(sf::lems::parse_error));
        // The presynaptic end reads the voltage its peer on the other cell requires.
        CHECK(e.where().line == sf::lems::test::line_of(text, "<silentSynapse"));
        CHECK(e.element() == "silent");
        CHECK_THAT(e.message(), Catch::Contains("which is not part of cell"));
        CHECK_THAT(e.message(), Catch::Contains("graded synapses cannot be mapped"));
    }
}

TEST_CASE("flatten errors: several connections into a synapse whose events do not add up are "
          "refused",
          "[lems][flatten]") {
    // The conductance jumps by the square of the weight: two events in one step are not one event
    // carrying their summed weight.
    const std::string synapse = R"xml(
    <ComponentType name="squareSynapse" extends="baseConductanceBasedSynapse">
        <Parameter name="tauDecay" dimension="time"/>
        <Property name="weight" dimension="none" defaultValue="1"/>
        <Dynamics>
            <StateVariable name="g" dimension="conductance" exposure="g"/>
            <DerivedVariable name="i" dimension="current" exposure="i" value="g * (erev - v)"/>
            <TimeDerivative variable="g" value="-g / tauDecay"/>
            <OnEvent port="in">
                <StateAssignment variable="g" value="g + weight * weight * gbase"/>
            </OnEvent>
        </Dynamics>
    </ComponentType>
    <squareSynapse id="sq" gbase="1nS" erev="0mV" tauDecay="2ms"/>)xml";
    const std::string text = into_post(synapse, projection("sq", weighted(2.0, 3.0)));
    temp_folder dir("sf_flatten_errors");
    const auto file = dir.write("model.xml", text);
    const sf::lems::model model = sf::lems::load_model({file});
    REQUIRE_THROWS_AS(sf::lems::flatten(model), sf::lems::parse_error);
    try {
        sf::lems::flatten(model);
    } catch (const sf::lems::parse_error& e) {
        INFO(e.what());
        CHECK(typeid(e) == typeid(sf::lems::parse_error));
        CHECK(e.where().line == sf::lems::test::line_of(text, "<squareSynapse id"));
        CHECK(e.element() == "sq");
        CHECK_THAT(e.message(), Catch::Contains("receives events from several connections"));
        CHECK_THAT(e.message(), Catch::Contains("OnEvent handler does not only add"));
    }
    SECTION("one connection per cell flattens") {
        const std::string one = into_post(synapse, projection("sq", R"(
            <connectionWD id="0" preCellId="../pre[0]" postCellId="../post[0]" weight="2" delay="1ms"/>)"));
        const auto single = dir.write("one.xml", one);
        const ir::network net = sf::lems::flatten(sf::lems::load_model({single}));
        REQUIRE(net.groups.size() == 2);
        CHECK(net.groups[1].inputs.size() == 1);
    }
}
