// The network IR's connection list (sf/lems/connection_list.hpp): connections filed by projection,
// weights and delays kept bit for bit, coded while they repeat and plain once they do not.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/connection_list.hpp>

namespace {

namespace ir = sf::lems::ir;

ir::connection make(int sg, int s, int port, int tg, int t, int channel, double payload,
                    double delay) {
    ir::connection c;
    c.source = {sg, s};
    c.source_port = port;
    c.target = {tg, t};
    c.channel = channel;
    c.payload = payload;
    c.delay = delay;
    return c;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same(const ir::connection& a, const ir::connection& b) {
    return a.source.group == b.source.group && a.source.neuron == b.source.neuron &&
           a.source_port == b.source_port && a.target.group == b.target.group &&
           a.target.neuron == b.target.neuron && a.channel == b.channel &&
           same_bits(a.payload, b.payload) && same_bits(a.delay, b.delay);
}

} // namespace

TEST_CASE("connection list: connections are filed by projection, each in the order added",
          "[lems][connections]") {
    ir::connection_list list;
    CHECK(list.empty());
    CHECK(list.begin() == list.end());
    const std::vector<ir::connection> added = {
        make(0, 1, 0, 1, 2, 0, 0.5, 1e-3),  make(0, 2, 0, 1, 3, 1, 0.25, 2e-3),
        make(0, 3, 0, 1, 4, 0, 0.75, 1e-3), make(1, 0, 0, 0, 0, 0, 1.0, 0.0),
        make(0, 1, 1, 1, 2, 0, 2.0, 1e-3),  make(0, 0, 0, 1, 0, 1, 0.125, 3e-3),
    };
    for (const auto& c : added) {
        list.push_back(c);
    }
    REQUIRE(list.size() == added.size());
    REQUIRE(list.projections().size() ==
            4); // (0,0)->(1,ch0), (0,0)->(1,ch1), (1,0)->(0,ch0), (0,1)->(1,ch0)
    const std::vector<ir::connection> expected = {added[0], added[2], added[1],
                                                  added[5], added[3], added[4]};
    std::vector<ir::connection> seen(list.begin(), list.end());
    REQUIRE(seen.size() == expected.size());
    for (std::size_t k = 0; k < seen.size(); ++k) {
        INFO("connection " << k);
        CHECK(same(seen[k], expected[k]));
    }
    const ir::projection& first = list.projections()[0];
    CHECK(first.source_group == 0);
    CHECK(first.target_group == 1);
    CHECK(first.channel == 0);
    CHECK(first.source == std::vector<std::uint32_t>{1, 3});
    CHECK(first.target == std::vector<std::uint32_t>{2, 4});

    list.clear();
    CHECK(list.empty());
    list.push_back(added[1]);
    CHECK(list.projections().size() == 1);
}

TEST_CASE("connection list: empty projections are skipped when iterating", "[lems][connections]") {
    ir::connection_list list;
    list.projection_for(0, 0, 0, 0);
    list.push_back(make(0, 0, 0, 0, 1, 1, 1.0, 0.0));
    list.projection_for(2, 0, 2, 0);
    CHECK(list.size() == 1);
    CHECK(std::distance(list.begin(), list.end()) == 1);
    CHECK((*list.begin()).channel == 1);
}

TEST_CASE("value column: repeated values are coded, values are kept bit for bit",
          "[lems][connections]") {
    ir::value_column column;
    const std::vector<double> values = {
        0.1, 0.1, -0.0, 0.0, 0.1, std::numeric_limits<double>::infinity(), 1e-300};
    for (double v : values) {
        column.push_back(v);
    }
    REQUIRE(column.coded());
    CHECK(column.distinct().size() == 5); // 0.1, -0, +0, inf, 1e-300
    REQUIRE(column.size() == values.size());
    for (std::size_t k = 0; k < values.size(); ++k) {
        CHECK(same_bits(column[k], values[k]));
    }
    CHECK(column.code(0) == column.code(4));
    CHECK(column.code(2) != column.code(3));
}

TEST_CASE("value column: past 65 536 distinct values every value is kept itself",
          "[lems][connections]") {
    ir::value_column column;
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> values;
    for (std::size_t k = 0; k < 2 * ir::value_column::max_codes; ++k) {
        values.push_back(k % 3 == 0 && k > 0 ? values[k - 1] : uniform(random));
    }
    for (std::size_t k = 0; k < values.size(); ++k) {
        column.push_back(values[k]);
        if (k == ir::value_column::max_codes - 1) {
            CHECK(column.coded()); // about 44 000 distinct values so far
        }
    }
    CHECK_FALSE(column.coded());
    REQUIRE(column.size() == values.size());
    bool all_same = true;
    for (std::size_t k = 0; k < values.size(); ++k) {
        all_same = all_same && same_bits(column[k], values[k]);
    }
    CHECK(all_same);
}
