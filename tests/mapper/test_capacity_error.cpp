// What does not fit the board is refused with capacity_error, which carries the element that does
// not fit, the limit, the need and what is available as fields, and reads as the compile_error it
// is.
#include <cstdint>
#include <string>
#include <typeinfo>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/map_network.hpp>
#include <sf/mapper/partition.hpp>
#include <sf/mapper/placement.hpp>
#include <sf/mapper/quantise.hpp>
#include <sf/mapper/routing_compress.hpp>
#include <sf/mapper/routing_keys.hpp>

#include "../lems/test_support.hpp"
#include "grid_board.hpp"

namespace {

namespace ir = sf::lems::ir;
using sf::lems::test::temp_folder;
using sf::mapper::capacity_error;
using sf::mapper::compile_error;

// The capacity_error `run` throws; fails the test when it throws nothing or something else.
template <class Run>
capacity_error capacity_error_of(Run&& run) {
    try {
        run();
    } catch (const capacity_error& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("threw something else: " << e.what());
    }
    FAIL("no capacity_error");
    return capacity_error("", "", "", 0, 0, "");
}

// A one-chip board named "small" with `cores` application cores of `neurons` neurons each and
// the given state and synaptic memory.
sf::mapper::board small_board(int cores, int neurons, long state_words, long synaptic_bytes) {
    return sf::mapper::load_board_text(
        R"(<board name="small" time_step="1 ms">
<chips width="1" height="1" topology="mesh" cores=")" +
            std::to_string(cores) + R"(" router_entries="64" link_bandwidth="1000"/>
<core neurons=")" +
            std::to_string(neurons) + R"(" state_words_per_neuron="32" state_memory_words=")" +
            std::to_string(state_words) + R"(" synaptic_memory_bytes=")" +
            std::to_string(synaptic_bytes) +
            R"(" program_words="1024" constant_words="1024" lookup_table_words="2048"
      weight_bits="16" weight_signed="true" delay_slots="16" input_channels="2"/>
</board>
)",
        "small.xml");
}

// `cells` integrate-and-fire cells in a ring, cell i projecting onto cell i + 1, cell 0 driven by
// a pulse.
ir::network cells_network(int cells) {
    std::string connections;
    for (int i = 0; i < cells; ++i) {
        connections += R"(<connectionWD id=")" + std::to_string(i) + R"(" preCellId="../pop[)" +
                       std::to_string(i) + R"(]" postCellId="../pop[)" +
                       std::to_string((i + 1) % cells) +
                       R"(]" weight="1" delay="0.2ms"/>
)";
    }
    const std::string text = R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>
    <pulseGenerator id="pulse" delay="5ms" duration="100ms" amplitude="1nA"/>
    <network id="net">
        <population id="pop" component="iaf" size=")" +
                             std::to_string(cells) + R"("/>
        <projection id="fan" presynapticPopulation="pop" postsynapticPopulation="pop" synapse="syn">
)" + connections + R"(        </projection>
        <explicitInput target="pop[0]" input="pulse"/>
    </network>
    <Simulation id="sim" length="2ms" step="0.1ms" target="net"/>
</Lems>
)";
    temp_folder dir("sf_capacity_error");
    const auto file = dir.write("model.xml", text);
    return sf::lems::flatten(sf::lems::load_model({file}));
}

} // namespace

TEST_CASE("capacity error: more slices than application cores", "[mapper][capacity_error]") {
    const sf::mapper::board b = sf::mapper::test::grid_board(
        R"(width="3" height="3" topology="mesh" cores="4" application_cores="3")");
    const capacity_error e = capacity_error_of([&] { sf::mapper::place(b, 28, {}); });
    CHECK(e.group() == "placement");
    CHECK(e.element() == "grid");
    CHECK(e.limit() == "application cores");
    CHECK(e.needed() == 28);
    CHECK(e.available() == 27);
    CHECK_THAT(e.message(), Catch::StartsWith("28 slices need 28 application cores"));
    CHECK(std::string(e.what()) == "placement: " + e.message());
}

TEST_CASE("capacity error: a routing table over the router's limit", "[mapper][capacity_error]") {
    sf::mapper::routing_table table{{2, 5}, {}};
    for (std::uint32_t i = 0; i < 10; ++i) {
        table.entries.push_back({i << 8, 0xffffff00u, std::uint32_t{1} << (6 + i)});
    }
    const capacity_error e = capacity_error_of([&] { sf::mapper::compress(table, 5, {}); });
    CHECK(e.group().empty());
    CHECK(e.element() == "(2,5)");
    CHECK(e.limit() == "routing table entries");
    CHECK(e.needed() == 10);
    CHECK(e.available() == 5);
    CHECK_THAT(e.message(), Catch::Contains("the chip has room for 5"));
}

TEST_CASE("capacity error: a source with more neurons than a key space numbers",
          "[mapper][capacity_error]") {
    const capacity_error e = capacity_error_of([] { sf::mapper::allocate_keys({4, 65537}); });
    CHECK(e.element() == "source 1");
    CHECK(e.limit() == "neurons per source");
    CHECK(e.needed() == 65537);
    CHECK(e.available() == 65536);
    CHECK(e.message() == "routing keys: source 1 has 65537 neurons; a source has 1 to 65536");
    SECTION("a source of no neurons is wrong input, not a lack of room") {
        try {
            sf::mapper::allocate_keys({4, 0});
            FAIL("allocated keys for a source of no neurons");
        } catch (const compile_error& wrong) {
            CHECK(typeid(wrong) == typeid(compile_error));
        }
    }
}

TEST_CASE("capacity error: a core's state and synaptic memory", "[mapper][capacity_error]") {
    const ir::network net = cells_network(8);
    const sf::mapper::board roomy = small_board(8, 256, 8192, 1000000);
    const sf::mapper::compiled_network compiled = sf::mapper::quantise(net, roomy);
    const std::string label = net.groups[0].label;
    const int words = compiled.groups[0].state_words;
    REQUIRE(words >= 2);
    SECTION("state memory") {
        sf::mapper::core_limits core = roomy.core;
        core.state_memory_words = words - 1;
        const capacity_error e =
            capacity_error_of([&] { sf::mapper::partition(net, compiled, core); });
        CHECK(e.group() == label);
        CHECK(e.element() == label);
        CHECK(e.limit() == "state memory words");
        CHECK(e.needed() == static_cast<std::uint64_t>(words));
        CHECK(e.available() == static_cast<std::uint64_t>(words - 1));
        CHECK(e.message() == "one neuron needs " + std::to_string(words) +
                                 " state words; a core holds " + std::to_string(words - 1));
    }
    SECTION("synaptic memory") {
        sf::mapper::core_limits core = roomy.core;
        core.synaptic_memory_bytes = 8;
        const capacity_error e =
            capacity_error_of([&] { sf::mapper::partition(net, compiled, core); });
        CHECK(e.element() == label);
        CHECK(e.limit() == "synaptic memory bytes");
        CHECK(e.needed() > 8);
        CHECK(e.available() == 8);
        CHECK_THAT(e.message(), Catch::Contains("bytes of synaptic matrix; a core holds 8") &&
                                    Catch::Contains(std::to_string(e.needed()) + " bytes"));
    }
}

TEST_CASE("capacity error: map_network names the board that is too small",
          "[mapper][capacity_error]") {
    const ir::network net = cells_network(8);
    // Two neurons a core, two application cores: eight cells need four.
    const sf::mapper::board tight = small_board(2, 2, 8192, 1000000);
    const capacity_error e = capacity_error_of([&] { sf::mapper::map_network(net, tight); });
    CHECK(e.group() == "placement");
    CHECK(e.element() == "small");
    CHECK(e.limit() == "application cores");
    CHECK(e.needed() >= 4);
    CHECK(e.available() == 2);
}
