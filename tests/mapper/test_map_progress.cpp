// The mapper tells a watcher its phases in order and, while quantising, how far the float run
// that measures the value ranges has come, so that a long mapping can show time left.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mapping_support.hpp"

namespace {

namespace fs = std::filesystem;

struct seen_report {
    std::string phase;
    std::uint64_t done;
    std::uint64_t total;
    std::string unit;
};

fs::path balanced_example() {
    const fs::path file = fs::path(__FILE__).parent_path().parent_path().parent_path() /
                          "examples" / "balanced_network" / "LEMS_balanced_network.xml";
    if (!fs::is_regular_file(file)) {
        FAIL("the bundled example is not in the checkout: " << file.string());
    }
    return file;
}

std::vector<seen_report> map_watched(std::int64_t range_steps) {
    const sf::lems::model model = sf::lems::load_model({balanced_example()});
    sf::mapper::map_options options = sf::mapper::test::quick_options();
    options.quantise.range_steps = range_steps;
    std::vector<seen_report> seen;
    options.progress = [&seen](const sf::lems::progress_report& r) {
        seen.push_back({std::string(r.phase), r.done, r.total, std::string(r.unit)});
    };
    static_cast<void>(sf::mapper::map_network(sf::mapper::test::flatten_here(model),
                                              sf::mapper::find_board("spinn5"), options));
    return seen;
}

std::vector<std::string> phases_of(const std::vector<seen_report>& seen) {
    std::vector<std::string> phases;
    for (const seen_report& r : seen) {
        if (phases.empty() || phases.back() != r.phase) {
            phases.push_back(r.phase);
        }
    }
    return phases;
}

// The reports of one phase that count their work.
std::vector<seen_report> counted(const std::vector<seen_report>& seen, const std::string& phase) {
    std::vector<seen_report> out;
    std::copy_if(seen.begin(), seen.end(), std::back_inserter(out),
                 [&](const seen_report& r) { return r.total > 0 && r.phase == phase; });
    return out;
}

const std::string ranges = "quantising: measuring value ranges";

} // namespace

TEST_CASE("map progress: the phases in order, the range run counted in steps when asked for some",
          "[mapper][progress]") {
    const std::vector<seen_report> seen = map_watched(2000);
    CHECK(phases_of(seen) == std::vector<std::string>{"quantising", ranges, "partitioning",
                                                      "partitioning: indexing connections",
                                                      "placing", "routing", "building cores"});
    const std::vector<seen_report> steps = counted(seen, ranges);
    REQUIRE(steps.size() == 2000 / sf::lems::progress_interval_steps);
    for (std::size_t k = 0; k < steps.size(); ++k) {
        CHECK(steps[k].unit == "steps");
        CHECK(steps[k].total == 2000);
        CHECK(steps[k].done == (k + 1) * sf::lems::progress_interval_steps);
    }
}

TEST_CASE("map progress: a range run under its work budget counts thousandths of the way",
          "[mapper][progress]") {
    const std::vector<seen_report> steps = counted(map_watched(-1), ranges);
    REQUIRE(!steps.empty());
    std::uint64_t before = 0;
    for (const seen_report& r : steps) {
        CHECK(r.unit.empty());
        CHECK(r.total == 1000);
        CHECK(r.done >= before);
        CHECK(r.done <= 1000);
        before = r.done;
    }
}

TEST_CASE("map progress: connections indexed and cores built are counted", "[mapper][progress]") {
    const std::vector<seen_report> seen = map_watched(100);
    const std::vector<seen_report> indexed = counted(seen, "partitioning: indexing connections");
    REQUIRE(!indexed.empty());
    std::uint64_t before = 0;
    for (const seen_report& r : indexed) {
        CHECK(r.done >= before);
        CHECK(r.done < r.total);
        CHECK(r.total == indexed.front().total);
        before = r.done;
    }
    // The bundled example: exc and inh, one core each. From none built, as the cores are built on
    // the calling thread (the others' cores counted as they are seen).
    const std::vector<seen_report> cores = counted(seen, "building cores");
    REQUIRE(!cores.empty());
    CHECK(cores.front().done == 0);
    before = 0;
    for (const seen_report& r : cores) {
        CHECK(r.done >= before);
        CHECK(r.done <= 2);
        CHECK(r.total == 2);
        CHECK(r.unit == "cores");
        before = r.done;
    }
}
