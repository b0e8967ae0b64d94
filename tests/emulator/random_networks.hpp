// Random networks over many chips for the emulators' tests: populations of integrate-and-fire and
// Izhikevich cells driven by Poisson sources, on boards whose small cores spread them out.
#pragma once

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "emulator_support.hpp"

namespace sf::emulator::test {

// A random network of integrate-and-fire and Izhikevich cells driven by Poisson spike sources:
// every cell gets one drive connection; random connections between populations carry random
// weights and delays of 1 to 40 steps (0.1 ms). Every potential is recorded, every spike too.
inline std::string random_network(std::uint32_t seed, int cells_per_population,
                                  int extra_connections) {
    std::mt19937 random(seed);
    struct population {
        const char* id;
        const char* component;
        const char* synapse; // of the connections it receives
    };
    const population pops[] = {{"exa", "iafA", "exc"},
                               {"exb", "iafB", "exc"},
                               {"izh", "izh", "excIzh"},
                               {"mix", "iafA", "exc"}};
    const int sources = 6;
    std::ostringstream t;
    t << R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iafA" C="1nF" thresh="-52mV" reset="-70mV" leakConductance="20nS" leakReversal="-70mV"/>
    <iafCell id="iafB" C="0.5nF" thresh="-50mV" reset="-65mV" leakConductance="15nS" leakReversal="-68mV"/>
    <izhikevich2007Cell id="izh" C="100pF" v0="-60mV" k="0.7nS_per_mV" vr="-60mV" vt="-40mV"
            vpeak="35mV" a="0.03per_ms" b="-2nS" c="-50.0mV" d="100pA"/>
    <spikeGeneratorPoisson id="noise" averageRate="150 Hz"/>
    <expOneSynapse id="exc" gbase="20nS" erev="0mV" tauDecay="2ms"/>
    <expOneSynapse id="excIzh" gbase="2nS" erev="0mV" tauDecay="2ms"/>
    <expOneSynapse id="inh" gbase="20nS" erev="-80mV" tauDecay="5ms"/>
    <network id="net">
        <population id="src" component="noise" size=")"
      << sources << "\"/>\n";
    for (const population& p : pops) {
        t << "        <population id=\"" << p.id << "\" component=\"" << p.component << "\" size=\""
          << cells_per_population << "\"/>\n";
    }
    auto delay = [&] {
        const auto steps = static_cast<std::uint32_t>(1 + random() % 40);
        return std::to_string(steps / 10) + "." + std::to_string(steps % 10) + "ms";
    };
    auto weight = [&] { return std::to_string(1 + random() % 20) + "e-1"; };
    int projection = 0;
    for (const population& p : pops) {
        t << "        <projection id=\"p" << projection++
          << "\" presynapticPopulation=\"src\" postsynapticPopulation=\"" << p.id << "\" synapse=\""
          << p.synapse << "\">\n";
        for (int c = 0; c < cells_per_population; ++c) {
            t << "            <connectionWD id=\"" << c << "\" preCellId=\"../src["
              << random() % sources << "]\" postCellId=\"../" << p.id << "[" << c << "]\" weight=\""
              << weight() << "\" delay=\"" << delay() << "\"/>\n";
        }
        t << "        </projection>\n";
    }
    // Between the populations (into "mix" both excitation and inhibition from "exa").
    for (const population& from : pops) {
        for (const population& to : pops) {
            t << "        <projection id=\"p" << projection++ << "\" presynapticPopulation=\""
              << from.id << "\" postsynapticPopulation=\"" << to.id << "\" synapse=\"" << to.synapse
              << "\">\n";
            for (int c = 0; c < extra_connections; ++c) {
                t << "            <connectionWD id=\"" << c << "\" preCellId=\"../" << from.id
                  << "[" << random() % static_cast<std::uint32_t>(cells_per_population)
                  << "]\" postCellId=\"../" << to.id << "["
                  << random() % static_cast<std::uint32_t>(cells_per_population) << "]\" weight=\""
                  << weight() << "\" delay=\"" << delay() << "\"/>\n";
            }
            t << "        </projection>\n";
        }
    }
    t << "        <projection id=\"p" << projection++
      << R"(" presynapticPopulation="exa" postsynapticPopulation="mix" synapse="inh">)"
      << "\n";
    for (int c = 0; c < extra_connections; ++c) {
        t << "            <connectionWD id=\"" << c << "\" preCellId=\"../exa["
          << random() % static_cast<std::uint32_t>(cells_per_population)
          << "]\" postCellId=\"../mix["
          << random() % static_cast<std::uint32_t>(cells_per_population) << "]\" weight=\""
          << weight() << "\" delay=\"" << delay() << "\"/>\n";
    }
    t << "        </projection>\n    </network>\n";
    t << R"(    <Simulation id="sim" length="60ms" step="0.1ms" target="net" seed="7">
        <OutputFile id="volts" fileName="volts.dat">
)";
    for (const population& p : pops) {
        for (int c = 0; c < cells_per_population; ++c) {
            t << "            <OutputColumn id=\"" << p.id << c << "\" quantity=\"" << p.id << "["
              << c << "]/v\"/>\n";
        }
    }
    t << "        </OutputFile>\n        <EventOutputFile id=\"spikes\" fileName=\"spikes.dat\" "
         "format=\"TIME_ID\">\n";
    int selection = 0;
    for (int s = 0; s < sources; ++s) {
        t << "            <EventSelection id=\"" << selection++ << "\" select=\"src[" << s
          << "]\" eventPort=\"spike\"/>\n";
    }
    for (const population& p : pops) {
        for (int c = 0; c < cells_per_population; ++c) {
            t << "            <EventSelection id=\"" << selection++ << "\" select=\"" << p.id << "["
              << c << "]\" eventPort=\"spike\"/>\n";
        }
    }
    t << "        </EventOutputFile>\n    </Simulation>\n</Lems>\n";
    return t.str();
}

// The boards random networks run on: small cores so that every population takes several, few
// application cores per chip so that the cores spread over many chips.
struct board_case {
    const char* name;
    mapper::board machine;
};

inline std::vector<board_case> random_boards() {
    return {
        {"a 4 x 4 mesh of 2 cores of 8 neurons per chip", inline_board(4, 4, "mesh", 2, 8)},
        {"a 5 x 5 hexagonal grid of 1 core per chip, a failed chip and a dead link",
         inline_board(
             5, 5, "hexagonal", 1, 8,
             R"(<unavailable_chip x="2" y="2"/><unavailable_link x="1" y="2" direction="E"/>)")},
        {"a 3 x 3 torus of 2 cores of 6 neurons per chip", inline_board(3, 3, "torus", 2, 6)},
    };
}

} // namespace sf::emulator::test
