#pragma once

#include <string>

// Small LEMS documents written inline by the tests of what flattening and compiling refuse: a
// simulation around a network body, two presynaptic cells projecting onto one, and connections.
namespace sf::lems::test {

// A LEMS document including the NeuroML2 core types, with `body` and a 20 ms simulation of the
// network "net" whose <Simulation> holds `outputs`.
inline std::string lems_document(const std::string& body, const std::string& outputs = "") {
    return R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
)" + body + R"(
    <Simulation id="sim" length="20ms" step="0.1ms" target="net">)" +
           outputs + R"(
    </Simulation>
</Lems>
)";
}

// Two cells of `pre` projecting onto post[0] through `synapses` (projection bodies).
inline std::string into_post(const std::string& synapses, const std::string& projections) {
    return lems_document(R"(
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <pulseGenerator id="pulse" delay="5ms" duration="100ms" amplitude="1nA"/>
)" + synapses + R"(
    <network id="net">
        <population id="pre" component="iaf" size="2"/>
        <population id="post" component="iaf" size="1"/>
)" + projections +
                         R"(
        <explicitInput target="pre[0]" input="pulse"/>
        <explicitInput target="pre[1]" input="pulse"/>
    </network>)");
}

// A projection from pre to post through `synapse`, holding `connections`.
inline std::string projection(const std::string& synapse, const std::string& connections) {
    return R"(
        <projection id="proj_)" +
           synapse + R"(" presynapticPopulation="pre" postsynapticPopulation="post" synapse=")" +
           synapse + R"(">)" + connections + R"(
        </projection>)";
}

// pre[0] and pre[1] onto post[0] with the two weights and a 1 ms delay.
inline std::string weighted(double first, double second) {
    return R"(
            <connectionWD id="0" preCellId="../pre[0]" postCellId="../post[0]" weight=")" +
           std::to_string(first) + R"(" delay="1ms"/>
            <connectionWD id="1" preCellId="../pre[1]" postCellId="../post[0]" weight=")" +
           std::to_string(second) + R"(" delay="1ms"/>)";
}

} // namespace sf::lems::test
