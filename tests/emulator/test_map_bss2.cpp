// The bss2 board's fixed fan-in: a neuron takes at most 256 synapses (its column of the synapse
// array). A network at the limit maps and runs; one synapse more is refused before anything is
// written, naming the population, what it needs and what the board has.
#include <string>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/mapper/compile_error.hpp>

#include "emulator_support.hpp"

namespace {

using namespace sf::emulator::test;
using sf::emulator::functional_counters;
using sf::emulator::functional_emulator;
namespace mapper = sf::mapper;

// 128 spike sources, every one connected to cells[0] twice, and `extra` more connections from
// src[0]: a fan-in of 256 + extra on cells[0]; cells[1] gets one connection.
std::string fan_in_model(int extra) {
    std::string connections;
    int id = 0;
    auto connect = [&](int source, int cell) {
        connections += "<connection id=\"" + std::to_string(id++) + "\" preCellId=\"../src[" +
                       std::to_string(source) + "]\" postCellId=\"../cells[" +
                       std::to_string(cell) + "]\"/>\n";
    };
    for (int twice = 0; twice < 2; ++twice) {
        for (int s = 0; s < 128; ++s) {
            connect(s, 0);
        }
    }
    for (int e = 0; e < extra; ++e) {
        connect(0, 0);
    }
    connect(1, 1);
    return lems_with_core_types(
        R"(    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeGenerator id="gen" period="1ms"/>
    <expOneSynapse id="syn" gbase="0.5nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="src" component="gen" size="128"/>
        <population id="cells" component="iaf" size="2"/>
        <projection id="p" presynapticPopulation="src" postsynapticPopulation="cells" synapse="syn">
)" + connections +
        R"(        </projection>
    </network>
    <Simulation id="sim" length="5ms" step="0.1ms" target="net"/>
)");
}

} // namespace

TEST_CASE("bss2: a neuron with the board's 256 synapses maps and runs", "[emulator][bss2]") {
    temp_folder dir("sf_test_bss2");
    const mapper::board bss2 = mapper::find_board("bss2");
    REQUIRE(bss2.core.max_fan_in == 256);
    const mapper::mapped_network m = map_text(dir, fan_in_model(0), bss2);
    CHECK(m.cores.size() == 2); // one half of the chip each: the sources and the cells
    const std::vector<std::uint32_t> words = mapper::encode_image(m);
    functional_emulator e(words.data(), words.size());
    INFO(e.problem());
    REQUIRE(e.ready());
    e.run(e.steps());
    const functional_counters c = e.counters();
    CHECK(c.cores.spikes >= 128 * 4);          // every source fired, every 1 ms
    CHECK(c.cores.delivered_words >= 257 * 4); // each of those spikes reached its synapses
    CHECK(c.cores.dropped_words + c.cores.input_overflows == 0);
}

TEST_CASE("bss2: one synapse beyond a neuron's fan-in is refused with the population named",
          "[emulator][bss2]") {
    temp_folder dir("sf_test_bss2");
    const mapper::board bss2 = mapper::find_board("bss2");
    CHECK_THROWS_AS(map_text(dir, fan_in_model(1), bss2), mapper::compile_error);
    CHECK_THROWS_WITH(map_text(dir, fan_in_model(1), bss2),
                      Catch::Contains("cells") && Catch::Contains("receives 257 synapses") &&
                          Catch::Contains("at most 256"));
}
