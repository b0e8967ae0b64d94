// The plotter's readers of spike and trace files: both spike orders, the writers' number forms,
// and a refusal naming the line for every malformed line.
#include <catch2/catch.hpp>

#include <sf/plot/plot_error.hpp>
#include <sf/plot/recording_files.hpp>

using sf::plot::parse_spikes;
using sf::plot::parse_traces;

TEST_CASE("spike files are read in either order", "[plot]") {
    const auto time_first = parse_spikes("0.001\t7\n2.5E-3\t3\r\n\n0.004 1\n", "a.spikes");
    CHECK(time_first.times == std::vector<double>{0.001, 0.0025, 0.004});
    CHECK(time_first.ids == std::vector<std::string>{"7", "3", "1"});
    const auto id_first = parse_spikes("7\t0.001\n3\t0.0025\n", "b.spikes");
    CHECK(id_first.times == std::vector<double>{0.001, 0.0025});
    CHECK(id_first.ids == std::vector<std::string>{"7", "3"});
    // Named cells: the field that is no number is the id.
    const auto named = parse_spikes("pop[3]\t1\n", "c.spikes");
    CHECK(named.times == std::vector<double>{1});
    CHECK(named.ids == std::vector<std::string>{"pop[3]"});
    CHECK(parse_spikes("", "empty.spikes").times.empty());
}

TEST_CASE("malformed spike lines are refused with their line", "[plot]") {
    CHECK_THROWS_WITH(parse_spikes("0.1\t1\n0.2\n", "a.spikes"),
                      "a.spikes:2: 1 fields where a spike line has two: 'time id' or 'id time'");
    CHECK_THROWS_WITH(parse_spikes("0.1\t1\n\nx\t2\n", "a.spikes"),
                      "a.spikes:3: 'x' is not a time in seconds (first field, as on line 1)");
    CHECK_THROWS_WITH(parse_spikes("1\t0.1\n2\tinf\n", "a.spikes"),
                      "a.spikes:2: 'inf' is not a time in seconds (second field, as on line 1)");
}

TEST_CASE("trace files are read as rows of numbers", "[plot]") {
    const auto t = parse_traces("0.0\t-0.065\t1\t\n1.0E-4\t-0.064\t2\t\n", "v.dat");
    CHECK(t.columns == 2);
    CHECK(t.rows == std::vector<double>{0.0, -0.065, 1, 1e-4, -0.064, 2});
    CHECK_THROWS_WITH(parse_traces("0.0\t1\n0.1\t1e999\n", "v.dat"),
                      "v.dat:2: field 2 '1e999' is not a number");
    CHECK_THROWS_WITH(parse_traces("\n0.0\t1\n0.1\t1\t2\n", "v.dat"),
                      "v.dat:3: 3 fields where line 2 has 2");
    CHECK_THROWS_AS(parse_traces(" \n", "v.dat"), sf::plot::plot_error);
}

TEST_CASE("recording files that cannot be read are refused by name", "[plot]") {
    CHECK_THROWS_WITH(sf::plot::read_spikes("no/such.spikes"),
                      Catch::StartsWith("cannot read no/such.spikes"));
    CHECK_THROWS_WITH(sf::plot::read_traces("no/such.dat"),
                      Catch::StartsWith("cannot read no/such.dat"));
}
