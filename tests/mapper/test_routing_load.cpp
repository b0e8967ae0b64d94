// Link loads: the packets each link carries a step, from the tables.
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_load.hpp>

namespace {

using sf::mapper::board;
using sf::mapper::chip_coordinates;
using sf::mapper::direction;
using sf::mapper::link_bit;
using sf::mapper::link_loads;
using sf::mapper::multicast_source;
using sf::mapper::routing_table;

// Steps between two chips over available links, found here independently of the router.
int distance(const board& b, chip_coordinates from, chip_coordinates to) {
    std::map<std::pair<int, int>, int> seen{{{from.x, from.y}, 0}};
    std::deque<chip_coordinates> queue{from};
    while (!queue.empty()) {
        const chip_coordinates c = queue.front();
        queue.pop_front();
        const int d = seen[{c.x, c.y}];
        if (c == to) {
            return d;
        }
        for (const chip_coordinates n : b.neighbours(c)) {
            if (seen.emplace(std::pair<int, int>{n.x, n.y}, d + 1).second) {
                queue.push_back(n);
            }
        }
    }
    return -1;
}

double sum(const std::vector<sf::mapper::link_load>& loads) {
    double total = 0;
    for (const auto& l : loads) {
        total += l.packets_per_step;
    }
    return total;
}

} // namespace

TEST_CASE("routing load: one link per step of the path carries the source's packets",
          "[mapper][routing]") {
    const board b = sf::mapper::find_board("spinn5");
    const std::vector<multicast_source> sources = {
        {{0x000, 0xffffff00u}, {{0, 3}, 0}, {{{4, 3}, 0}}}};
    const auto tables = sf::mapper::build_routes(b, sources);
    const auto loads = link_loads(b, tables, sources, {2.5});
    REQUIRE(loads.size() == b.links.size());
    for (std::size_t i = 0; i < loads.size(); ++i) {
        const auto& l = b.links[i];
        INFO("link from (" << l.from.x << "," << l.from.y << ") "
                           << sf::mapper::to_string(l.heading));
        CHECK(loads[i].from == l.from);
        CHECK(loads[i].heading == l.heading);
        const bool on_path = l.from.y == 3 && l.from.x < 4 && l.heading == direction::east;
        CHECK(loads[i].packets_per_step == (on_path ? 2.5 : 0.0));
    }
    REQUIRE_THROWS_AS(link_loads(b, tables, sources, {1.0, 2.0}), sf::mapper::compile_error);
}

TEST_CASE("routing load: loads add up over sources and follow shortest paths",
          "[mapper][routing]") {
    const unsigned seed = 31337;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    const board b = sf::mapper::find_board("spinn5");
    std::vector<multicast_source> single;
    std::vector<multicast_source> multiple;
    std::vector<double> rates;
    double expected = 0;
    for (std::uint32_t i = 0; i < 200; ++i) {
        const auto& from = b.chips[random() % b.chips.size()];
        const auto& to = b.chips[random() % b.chips.size()];
        const double rate = static_cast<double>(random() % 100) / 8.0;
        single.push_back({{i << 8, 0xffffff00u}, {from.coordinates(), 0}, {{to.coordinates(), 1}}});
        rates.push_back(rate);
        expected += rate * distance(b, from.coordinates(), to.coordinates());
        multicast_source m = single.back();
        for (int t = 0; t < 4; ++t) {
            m.targets.push_back({b.chips[random() % b.chips.size()].coordinates(), t});
        }
        multiple.push_back(std::move(m));
    }
    // One target each: every packet takes a shortest path.
    CHECK(sum(link_loads(b, sf::mapper::build_routes(b, single), single, rates)) ==
          Approx(expected));
    // Several targets: the loads of all sources are the sum of each source's loads, and each
    // source's links form a tree (as many links as chips it reaches besides its own) whose paths
    // to the targets are shortest paths.
    const auto tables = sf::mapper::build_routes(b, multiple);
    const auto all = link_loads(b, tables, multiple, rates);
    std::vector<double> added(all.size(), 0.0);
    for (std::size_t s = 0; s < multiple.size(); ++s) {
        const auto one = link_loads(b, tables, {multiple[s]});
        std::map<std::pair<int, int>, int> entered;
        std::map<std::pair<int, int>, std::vector<chip_coordinates>> children;
        int used = 0;
        for (std::size_t l = 0; l < one.size(); ++l) {
            REQUIRE((one[l].packets_per_step == 0.0 || one[l].packets_per_step == 1.0));
            if (one[l].packets_per_step == 1.0) {
                const auto& wire = b.links[l];
                ++used;
                ++entered[{wire.to.x, wire.to.y}];
                children[{wire.from.x, wire.from.y}].push_back(wire.to);
                added[l] += rates[s];
            }
        }
        for (const auto& [chip, times] : entered) {
            REQUIRE(times == 1); // no chip is entered twice
        }
        const chip_coordinates root = multiple[s].source.chip;
        REQUIRE(entered.count({root.x, root.y}) == 0);
        REQUIRE(static_cast<std::size_t>(used) == entered.size());
        // Every target chip is as deep in the tree as it is far from the source.
        std::map<std::pair<int, int>, int> depth{{{root.x, root.y}, 0}};
        std::deque<chip_coordinates> queue{root};
        while (!queue.empty()) {
            const chip_coordinates c = queue.front();
            queue.pop_front();
            for (const chip_coordinates n : children[{c.x, c.y}]) {
                depth[{n.x, n.y}] = depth[{c.x, c.y}] + 1;
                queue.push_back(n);
            }
        }
        for (const auto& t : multiple[s].targets) {
            INFO("source " << s << ", target chip (" << t.chip.x << "," << t.chip.y << ")");
            REQUIRE(depth.count({t.chip.x, t.chip.y}) == 1);
            REQUIRE(depth[{t.chip.x, t.chip.y}] == distance(b, root, t.chip));
        }
    }
    for (std::size_t l = 0; l < all.size(); ++l) {
        REQUIRE(all[l].packets_per_step == Approx(added[l]));
    }
}

TEST_CASE("routing load: keys split between routes carry their share", "[mapper][routing]") {
    const board b = sf::mapper::find_board("tiny");
    const std::vector<multicast_source> sources = {{{0x000, 0xffffff00u}, {{0, 0}, 0}, {}}};
    // Half the keys go east, a quarter north, a quarter nowhere.
    const std::vector<routing_table> tables = {
        {{0, 0},
         {{0x000, 0xffffff80u, link_bit(direction::east)},
          {0x080, 0xffffffc0u, link_bit(direction::north)}}}};
    const auto loads = link_loads(b, tables, sources, {4.0});
    CHECK(loads[static_cast<std::size_t>(b.find_link({0, 0}, direction::east) - b.links.data())]
              .packets_per_step == 2.0);
    CHECK(loads[static_cast<std::size_t>(b.find_link({0, 0}, direction::north) - b.links.data())]
              .packets_per_step == 1.0);
    CHECK(sum(loads) == 3.0);
}
