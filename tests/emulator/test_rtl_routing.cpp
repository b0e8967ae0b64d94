// Images whose chips route through the Verilated router (rtl_routing) against the functional
// emulator, whose routing reads the tables itself: the same spikes, words and router counters.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/functional.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/rtl_routing.hpp>

#include "emulator_support.hpp"
#include "random_networks.hpp"
#include "step_comparison.hpp"

namespace {

using namespace sf::emulator::test;
using sf::emulator::board_parts;
using sf::emulator::board_stepper;
using sf::emulator::functional_emulator;

// The kernels in lockstep, every route decided by the RTL.
sf::emulator::board_maker rtl_routed() {
    return [](board_parts& parts, std::string& problem) {
        if (!sf::emulator::use_rtl_routers(parts, problem)) {
            return std::unique_ptr<board_stepper>();
        }
        return std::unique_ptr<board_stepper>(
            std::make_unique<sf::emulator::lockstep_board>(std::move(parts.cores), *parts.network));
    };
}

void expect_same_routing(const std::vector<std::uint32_t>& words) {
    functional_emulator reference(words.data(), words.size());
    functional_emulator ours(words.data(), words.size(), rtl_routed());
    INFO(ours.problem());
    expect_same_steps(reference, ours);
    const auto a = reference.counters().routers;
    const auto b = ours.counters().routers;
    CHECK(b.packets == a.packets);
    CHECK(b.routed == a.routed);
    CHECK(b.default_routed == a.default_routed);
    CHECK(b.dropped == a.dropped);
    CHECK(b.lost == a.lost);
    CHECK(b.delivered == a.delivered);
    CHECK(a.packets > 0);
}

} // namespace

TEST_CASE("rtl routing: random networks over many chips route as the image's tables say",
          "[emulator][rtl]") {
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            temp_folder dir("sf_test_rtl_routing");
            const sf::lems::model model = load_text(dir, "random.xml", random_network(33, 24, 30));
            expect_same_routing(image_of(model, b.machine));
        }
    }
}

TEST_CASE("rtl routing: the bundled example routes as the image's tables say", "[emulator][rtl]") {
    const sf::lems::model model = sf::lems::load_model(
        {fs::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml"});
    expect_same_routing(image_of(model, sf::mapper::find_board("spinn5")));
}

TEST_CASE("rtl routing: a table the Verilated router cannot hold is refused, naming the chip",
          "[emulator][rtl][errors]") {
    sf::firmware::image::machine_view machine;
    machine.width = 2;
    machine.height = 1;
    sf::emulator::chip_network network(machine);
    // Entry 1 of chip (1, 0) sends to application core 20; the RTL router serves cores 0-15.
    const std::vector<std::uint32_t> routes = {0x100, 0xff00, 1u << 6, 0x200, 0xff00, 1u << 26};
    sf::firmware::image::chip_view first;
    sf::firmware::image::chip_view second;
    second.x = 1;
    second.entries = 2;
    second.routes = routes.data();
    REQUIRE(network.add_chip(first, 0).empty());
    REQUIRE(network.add_chip(second, 1).empty());
    std::string problem;
    CHECK(sf::emulator::rtl_routing::load(network, problem) == nullptr);
    CHECK(problem == "chip (1, 0): routing entry 1 sends to an application core above 15, the last "
                     "the RTL router serves");

    std::vector<std::uint32_t> many(3 * (sf::emulator::rtl_router::entries + 1), 0);
    second.entries = sf::emulator::rtl_router::entries + 1;
    second.routes = many.data();
    sf::emulator::chip_network crowded(machine);
    REQUIRE(crowded.add_chip(first, 0).empty());
    REQUIRE(crowded.add_chip(second, 1).empty());
    CHECK(sf::emulator::rtl_routing::load(crowded, problem) == nullptr);
    CHECK(problem == "chip (1, 0): 1025 routing entries, the RTL router holds 1024");
}
