// Mapping onto "NAME x auto": the fewest boards joined that give every slice a core, the machine
// and report named with the count, the image run across the boards; a network that would need
// more boards than can be joined is refused with the numbers.
#include <string>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/mapper/board_join.hpp>
#include <sf/mapper/compile_error.hpp>

#include "emulator_support.hpp"

namespace {

using namespace sf::emulator::test;
namespace mapper = sf::mapper;

// A spike source driving `cells` integrate-and-fire cells, each through one connection.
std::string driven_cells(int cells) {
    std::string connections;
    for (int c = 0; c < cells; ++c) {
        connections += "<connection id=\"" + std::to_string(c) +
                       "\" preCellId=\"../src[0]\" postCellId=\"../cells[" + std::to_string(c) +
                       "]\"/>\n";
    }
    return lems_with_core_types(
        R"(    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeGenerator id="gen" period="1ms"/>
    <expOneSynapse id="syn" gbase="200nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="src" component="gen" size="1"/>
        <population id="cells" component="iaf" size=")" +
        std::to_string(cells) + R"("/>
        <projection id="p" presynapticPopulation="src" postsynapticPopulation="cells" synapse="syn">
)" + connections +
        R"(        </projection>
    </network>
    <Simulation id="sim" length="5ms" step="0.1ms" target="net"/>
)");
}

} // namespace

TEST_CASE("map x auto: as many boards as the slices need, and the image runs across them",
          "[emulator][map_auto]") {
    temp_folder dir("sf_test_map_auto");
    // One chip of two application cores of two neurons: four neurons a board. The source and 20
    // cells are 1 + 10 slices: 6 boards.
    mapper::board one = inline_board(1, 1, "mesh", 2, 2);
    one.join_as_needed = true;
    const mapper::mapped_network m = map_text(dir, driven_cells(20), one);
    CHECK(m.machine.name == "inline x 6");
    CHECK(m.report.board == "inline x 6");
    CHECK(m.report.cores_used == 11);
    CHECK(m.report.cores_available == 12);
    CHECK_FALSE(m.machine.join_as_needed);
    // Five boards are one too few.
    mapper::board five = mapper::join(inline_board(1, 1, "mesh", 2, 2), 5);
    CHECK_THROWS_WITH(map_text(dir, driven_cells(20), five),
                      Catch::Contains("11 slices need 11 application cores"));

    const std::vector<std::uint32_t> words = mapper::encode_image(m);
    sf::emulator::functional_emulator e(words.data(), words.size());
    INFO(e.problem());
    REQUIRE(e.ready());
    e.run(e.steps());
    const sf::emulator::functional_counters c = e.counters();
    CHECK(c.cores.delivered_words >= 20 * 4); // every cell received the source's spikes
    CHECK(c.routers.dropped + c.routers.lost + c.looped + c.unmatched_keys == 0);
}

TEST_CASE("map x auto: more boards than can be joined is refused with the count",
          "[emulator][map_auto]") {
    temp_folder dir("sf_test_map_auto");
    // One neuron a board: the source and 4096 cells need 4097 boards.
    mapper::board one = inline_board(1, 1, "mesh", 1, 1);
    one.join_as_needed = true;
    CHECK_THROWS_AS(map_text(dir, driven_cells(4096), one), mapper::compile_error);
    CHECK_THROWS_WITH(
        map_text(dir, driven_cells(4096), one),
        Catch::Contains("4097 slices need 4097 application cores, 4097 inline boards of 1") &&
            Catch::Contains("at most 4096 boards"));
}
