// How the float simulator keeps time: as the reference simulator's running sum of dt (the
// default), or as step number x dt. A refractory period of a whole number of steps ends on a
// rounding tie; the running sum decides it differently from one spike to the next, the product
// does not drift.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/lems/simulator.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sf::lems::simulation_options;
using sf::lems::test::read_table;

namespace {

struct temp_folder : sf::lems::test::temp_folder {
    temp_folder() : sf::lems::test::temp_folder("sf_test_time_keeping") {}
};

// One iafRefCell under a constant current, refractory for exactly 250 steps of 0.01 ms.
const fs::path refractory_model =
    fs::path(SF_EXAMPLES_DIR) / "refractory_ties" / "LEMS_whole_step_refractory.xml";

constexpr double dt = 0.01e-3;

sf::lems::model load_clean(const fs::path& file) {
    sf::lems::diagnostics problems;
    sf::lems::model result = sf::lems::load_model({file}, sf::lems::load_options{}, problems);
    INFO(sf::lems::test::listing(problems.problems()));
    REQUIRE(problems.empty());
    return result;
}

struct run_output {
    std::vector<std::vector<std::string>> trace;
    std::vector<std::int64_t> spike_steps;
};

run_output run_model(const sf::lems::model& m, const fs::path& out,
                     const simulation_options::time_keeping* time) {
    simulation_options options;
    options.output_dir = out;
    if (time != nullptr) {
        options.time = *time;
    }
    static_cast<void>(sf::lems::simulate(m, options));
    run_output result;
    result.trace = read_table(out / "v.dat");
    for (const auto& row : read_table(out / "spikes.dat")) {
        REQUIRE(row.size() == 2);
        result.spike_steps.push_back(std::llround(std::stod(row[0]) / dt));
    }
    return result;
}

// The model run both ways into `dir`: time as a running sum, and as step number x dt.
struct both_ways {
    run_output summed;
    run_output counted;
};

both_ways run_both_ways(const sf::lems::model& m, const fs::path& dir) {
    const auto accumulated = simulation_options::time_keeping::accumulated;
    const auto steps = simulation_options::time_keeping::steps;
    return {run_model(m, dir / "accumulated", &accumulated), run_model(m, dir / "steps", &steps)};
}

} // namespace

TEST_CASE("time keeping: a whole-step refractory period drifts with accumulated time only",
          "[lems][simulator][time]") {
    temp_folder dir;
    const sf::lems::model m = load_clean(refractory_model);
    const run_output by_default = run_model(m, dir.path() / "default", nullptr);
    const auto [summed, counted] = run_both_ways(m, dir.path());

    // The default is the running sum, file for file.
    CHECK(by_default.trace == summed.trace);
    CHECK(by_default.spike_steps == summed.spike_steps);

    // The same number of spikes; several move, by more than a step by the end of the run.
    REQUIRE(summed.spike_steps.size() >= 10);
    REQUIRE(counted.spike_steps.size() == summed.spike_steps.size());
    std::int64_t largest_shift = 0;
    for (std::size_t s = 0; s < summed.spike_steps.size(); ++s) {
        largest_shift =
            std::max(largest_shift, std::abs(counted.spike_steps[s] - summed.spike_steps[s]));
    }
    INFO("largest shift " << largest_shift << " steps");
    CHECK(largest_shift > 1);

    // Counting steps, every interspike interval is the same whole number of steps.
    for (std::size_t s = 2; s < counted.spike_steps.size(); ++s) {
        INFO("spike " << s);
        CHECK(counted.spike_steps[s] - counted.spike_steps[s - 1] ==
              counted.spike_steps[1] - counted.spike_steps[0]);
    }
}

TEST_CASE("time keeping: the recorded time column follows the chosen rule",
          "[lems][simulator][time]") {
    temp_folder dir;
    const sf::lems::model m = load_clean(refractory_model);
    const auto [summed, counted] = run_both_ways(m, dir.path());
    REQUIRE(summed.trace.size() == 30001);
    REQUIRE(counted.trace.size() == 30001);
    // Written as 32-bit floats, the two columns rarely differ; each is checked against its rule.
    double t = 0.0;
    for (std::size_t k = 0; k < counted.trace.size(); ++k) {
        INFO("row " << k);
        REQUIRE(std::stof(summed.trace[k][0]) == static_cast<float>(t));
        REQUIRE(std::stof(counted.trace[k][0]) == static_cast<float>(static_cast<double>(k) * dt));
        t += dt;
    }
}

TEST_CASE("time keeping: the network IR run keeps time the same two ways",
          "[lems][network_ir][time]") {
    temp_folder dir;
    const sf::lems::model m = load_clean(refractory_model);
    const auto [summed, counted] = run_both_ways(m, dir.path());
    REQUIRE(summed.spike_steps != counted.spike_steps);

    sf::lems::flatten_options flat;
    flat.output_dir = dir.path() / "ir";
    const sf::lems::ir::network net = sf::lems::flatten(m, flat);
    for (const bool step_times : {false, true}) {
        INFO("step_times " << step_times);
        sf::lems::ir::run_options options;
        options.reference_timing = true;
        options.step_times = step_times;
        const sf::lems::ir::run_result result = sf::lems::ir::run(net, options);
        REQUIRE(result.events.size() == 1);
        std::vector<std::int64_t> spike_steps;
        for (const auto& [time, id] : result.events.front().events) {
            spike_steps.push_back(std::llround(time / dt));
        }
        CHECK(spike_steps == (step_times ? counted : summed).spike_steps);
        REQUIRE(result.traces.size() == 1);
        const std::vector<float>& rows = result.traces.front().rows;
        REQUIRE(rows.size() == 2 * 30001);
        const float last =
            step_times ? static_cast<float>(30000 * dt) : std::stof(summed.trace.back()[0]);
        CHECK(rows[2 * 30000] == last);
    }
}
