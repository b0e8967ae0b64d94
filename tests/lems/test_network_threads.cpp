// The network IR run's events delivered on several threads: every recording, range and count is
// the same as on one, since each input still sums its events in the order they were sent.
#include <catch2/catch.hpp>

#include <cstddef>
#include <filesystem>
#include <vector>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/network_run.hpp>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace ir = sf::lems::ir;

void check_same_ranges(const std::vector<ir::group_ranges>& a,
                       const std::vector<ir::group_ranges>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t g = 0; g < a.size(); ++g) {
        REQUIRE(a[g].variables.size() == b[g].variables.size());
        for (std::size_t v = 0; v < a[g].variables.size(); ++v) {
            CHECK(a[g].variables[v].low == b[g].variables[v].low);
            CHECK(a[g].variables[v].high == b[g].variables[v].high);
        }
        REQUIRE(a[g].nodes.size() == b[g].nodes.size());
        for (std::size_t s = 0; s < a[g].nodes.size(); ++s) {
            REQUIRE(a[g].nodes[s].size() == b[g].nodes[s].size());
            for (std::size_t k = 0; k < a[g].nodes[s].size(); ++k) {
                CHECK(a[g].nodes[s][k].low == b[g].nodes[s][k].low);
                CHECK(a[g].nodes[s][k].high == b[g].nodes[s][k].high);
            }
        }
    }
}

} // namespace

TEST_CASE("network IR run: events delivered on several threads change no recording or range",
          "[lems][network_ir][threads]") {
    const fs::path model_file =
        fs::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml";
    const sf::lems::model model = sf::lems::load_model({model_file});
    sf::lems::test::temp_folder out("sf_test_network_threads");
    sf::lems::flatten_options flat;
    flat.output_dir = out.path();
    const ir::network net = sf::lems::flatten(model, flat);
    for (const bool reference_timing : {false, true}) {
        INFO("reference timing " << reference_timing);
        ir::run_options options;
        options.reference_timing = reference_timing;
        options.steps = 4000; // the first 100 ms
        options.ranges = true;
        options.events_worth_threads = 1; // every step with an event on several threads
        options.threads = 1;
        const ir::run_result one = ir::run(net, options);
        REQUIRE(one.events_delivered > 1000);
        REQUIRE_FALSE(one.traces.empty());
        for (const std::size_t threads : {2, 3, 7}) {
            INFO(threads << " threads");
            options.threads = threads;
            const ir::run_result many = ir::run(net, options);
            CHECK(many.steps == one.steps);
            CHECK(many.spikes == one.spikes);
            CHECK(many.events_delivered == one.events_delivered);
            REQUIRE(many.traces.size() == one.traces.size());
            for (std::size_t t = 0; t < one.traces.size(); ++t) {
                CHECK(many.traces[t].rows == one.traces[t].rows);
            }
            REQUIRE(many.events.size() == one.events.size());
            for (std::size_t e = 0; e < one.events.size(); ++e) {
                CHECK(many.events[e].events == one.events[e].events);
            }
            check_same_ranges(many.ranges, one.ranges);
        }
    }
}
