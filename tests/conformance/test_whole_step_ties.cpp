// A refractory period of a whole number of steps ends on a tie: j dt + refract against (j + m) dt.
// With time kept as step x dt, the float simulator decides it as exact arithmetic does (values
// within a rounding error compare as equal), and the cores compare step numbers; so both keep the
// same interspike interval spike after spike, and the fixed backend's spikes are the float
// simulator's, step for step.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/lems/simulator.hpp>
#include <sf/mapper/board_loader.hpp>

#include "../lems/test_support.hpp"
#include "fixed_backend.hpp"

namespace {

namespace fs = std::filesystem;

constexpr double dt = 0.005e-3;

// Ex0's iafRefCell: a 5 ms refractory period of exactly 1000 steps of 0.005 ms; in double
// precision j dt + 0.005 and (j + 1000) dt round differently for some j.
std::string whole_step_model(const fs::path& out) {
    return R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafRefCell id="cell" leakConductance="0.2nS" leakReversal="-53mV" thresh="-55mV"
        reset="-70mV" C="3.2pF" refract="5ms"/>
    <network id="net">
        <population id="pop" component="cell" size="1"/>
    </network>
    <Simulation id="sim" length="300ms" step="0.005ms" target="net">
        <EventOutputFile id="spikes" fileName=")" +
           (out / "spikes.dat").string() + R"(" format="TIME_ID">
            <EventSelection id="0" select="pop[0]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)";
}

using event_list = std::vector<std::pair<double, std::string>>;

std::vector<std::int64_t> steps_of(const event_list& events, double step = dt) {
    std::vector<std::int64_t> steps;
    for (const auto& [time, id] : events) {
        steps.push_back(std::llround(time / step));
    }
    return steps;
}

// The float simulator's spikes with time as steps, from the file the model names `file_name`.
event_list float_events(const sf::lems::model& model, const fs::path& out,
                        const std::string& file_name) {
    sf::lems::simulation_options options;
    options.output_dir = out;
    options.time = sf::lems::simulation_options::time_keeping::steps;
    options.native = sf::lems::simulation_options::native_code::never;
    static_cast<void>(sf::lems::simulate(model, options));
    std::vector<std::pair<double, std::string>> events;
    for (const auto& row : sf::lems::test::read_table(out / file_name)) {
        REQUIRE(row.size() == 2);
        events.emplace_back(std::stod(row[0]), row[1]);
    }
    return events;
}

// Spike steps per cell id.
std::map<std::string, std::vector<std::int64_t>> trains_of(const event_list& events, double step) {
    std::map<std::string, std::vector<std::int64_t>> trains;
    for (const auto& [time, id] : events) {
        trains[id].push_back(std::llround(time / step));
    }
    return trains;
}

fs::path chain_example() {
    const fs::path file = fs::path(__FILE__).parent_path().parent_path().parent_path() /
                          "examples" / "refractory_ties" / "LEMS_refractory_chain.xml";
    if (!fs::is_regular_file(file)) {
        FAIL("the refractory chain example is not in the checkout: " << file.string());
    }
    return file;
}

} // namespace

TEST_CASE("whole-step ties: float with time as steps and the cores decide them alike",
          "[conformance][fixed][time]") {
    sf::lems::test::temp_folder dir("sf_whole_step_ties");
    const fs::path file = dir.path() / "model.xml";
    std::ofstream(file) << whole_step_model(dir.path());
    const sf::lems::model model = sf::lems::load_model({file});

    const std::vector<std::int64_t> counted =
        steps_of(float_events(model, dir.path(), "spikes.dat"));
    REQUIRE(counted.size() >= 6);
    for (std::size_t s = 2; s < counted.size(); ++s) {
        INFO("spike " << s);
        CHECK(counted[s] - counted[s - 1] == counted[1] - counted[0]);
    }

    const sf::cli::fixed_run_summary fixed =
        sf::cli::run_fixed(model, sf::mapper::find_board("spinn5"), {});
    REQUIRE(fixed.events.size() == 1);
    CHECK(steps_of(fixed.events.front().events) == counted);
}

// 30 refractory cells in a feed-forward chain (no loop, so no chaos), each refractory for 250
// steps and each passing its spikes on after 100 steps: refractory periods and synaptic delays
// both end on ties. The cores count both in steps; the float simulator with time as steps
// decides both ties as exact arithmetic does, so every spike of every cell is within a step.
TEST_CASE("whole-step ties: a chain of refractory cells with delays matches spike for spike",
          "[conformance][fixed][time]") {
    sf::lems::test::temp_folder dir("sf_whole_step_chain");
    const sf::lems::model model = sf::lems::load_model({chain_example()});
    const double step = 0.01e-3;
    const auto reference = trains_of(float_events(model, dir.path(), "chain.spikes"), step);
    REQUIRE(reference.size() == 30);

    sf::cli::fixed_run_options options;
    options.output_dir = dir.path() / "fixed";
    const sf::cli::fixed_run_summary fixed =
        sf::cli::run_fixed(model, sf::mapper::find_board("spinn5"), options);
    REQUIRE(fixed.events.size() == 1);
    // The cells differ in their drives' amplitudes alone: one program, one core for all 30.
    CHECK(fixed.cores == 1);
    const auto cores = trains_of(fixed.events.front().events, step);
    REQUIRE(cores.size() == reference.size());
    for (const auto& [id, train] : reference) {
        INFO("cell " << id);
        const std::vector<std::int64_t>& other = cores.at(id);
        REQUIRE(other.size() == train.size());
        for (std::size_t s = 0; s < train.size(); ++s) {
            INFO("spike " << s << ": step " << train[s] << " against " << other[s]);
            CHECK(std::abs(other[s] - train[s]) <= 1);
        }
    }

    // The network IR run with time as steps ties its comparisons and due times alike.
    sf::lems::flatten_options flat;
    flat.output_dir = dir.path() / "ir";
    const sf::lems::ir::network net = sf::lems::flatten(model, flat);
    sf::lems::ir::run_options run;
    run.reference_timing = true;
    run.step_times = true;
    const sf::lems::ir::run_result ir = sf::lems::ir::run(net, run);
    REQUIRE(ir.events.size() == 1);
    CHECK(trains_of(ir.events.front().events, step) == reference);
}
