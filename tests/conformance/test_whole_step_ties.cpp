// A refractory period of a whole number of steps ends on a tie: j dt + refract against (j + m) dt.
// With time kept as step x dt, the float simulator decides it as exact arithmetic does (values
// within a rounding error compare as equal), and the cores compare step numbers; so both keep the
// same interspike interval spike after spike, and the fixed backend's spikes are the float
// simulator's, step for step.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>
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

std::vector<std::int64_t> steps_of(const std::vector<std::pair<double, std::string>>& events) {
    std::vector<std::int64_t> steps;
    for (const auto& [time, id] : events) {
        steps.push_back(std::llround(time / dt));
    }
    return steps;
}

std::vector<std::int64_t> float_spike_steps(const sf::lems::model& model, const fs::path& out) {
    sf::lems::simulation_options options;
    options.output_dir = out;
    options.time = sf::lems::simulation_options::time_keeping::steps;
    options.native = sf::lems::simulation_options::native_code::never;
    static_cast<void>(sf::lems::simulate(model, options));
    std::vector<std::pair<double, std::string>> events;
    for (const auto& row : sf::lems::test::read_table(out / "spikes.dat")) {
        REQUIRE(row.size() == 2);
        events.emplace_back(std::stod(row[0]), row[1]);
    }
    return steps_of(events);
}

} // namespace

TEST_CASE("whole-step ties: float with time as steps and the cores decide them alike",
          "[conformance][fixed][time]") {
    sf::lems::test::temp_folder dir("sf_whole_step_ties");
    const fs::path file = dir.path() / "model.xml";
    std::ofstream(file) << whole_step_model(dir.path());
    const sf::lems::model model = sf::lems::load_model({file});

    const std::vector<std::int64_t> counted = float_spike_steps(model, dir.path());
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
