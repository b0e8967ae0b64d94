// `spikeforge simulate --time steps|accumulated` end to end: the float simulator keeping time as
// step number x dt agrees with the fixed backend's cores (which count steps) spike for spike on
// a cell whose refractory period is a whole number of steps; bad choices are refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "run_support.hpp"

namespace fs = std::filesystem;
using sf_test::outputs_in;
using sf_test::read_file;
using sf_test::run_to_end;
using sf_test::scratch;

namespace {

const std::string spikeforge = SPIKEFORGE_BINARY;

// One iafRefCell under a constant current, refractory for exactly 250 steps of 0.01 ms.
const fs::path refractory_model =
    fs::path(SF_EXAMPLES_DIR) / "refractory_ties" / "LEMS_whole_step_refractory.xml";

constexpr double dt = 0.01e-3;

const fs::path& model_file() {
    REQUIRE(fs::exists(refractory_model));
    return refractory_model;
}

// Runs simulate on the model into work/`name` with `extra` options; the step of every spike.
std::vector<std::int64_t> spike_steps(const scratch& work, const std::string& name,
                                      const std::vector<std::string>& extra) {
    std::vector<std::string> arguments{"simulate", model_file().string(), "-o",
                                       (work / name).string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    const auto [status, output] = run_to_end(spikeforge, arguments);
    INFO(output);
    REQUIRE(status == 0);
    std::vector<std::int64_t> steps;
    std::istringstream lines(read_file(work / name / "spikes.dat"));
    double time = 0.0;
    std::string id;
    while (lines >> time >> id) {
        steps.push_back(std::llround(time / dt));
    }
    return steps;
}

std::int64_t largest_shift(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
    REQUIRE(a.size() == b.size());
    std::int64_t largest = 0;
    for (std::size_t s = 0; s < a.size(); ++s) {
        largest = std::max(largest, std::abs(a[s] - b[s]));
    }
    return largest;
}

} // namespace

TEST_CASE("simulate --time steps: the float simulator agrees with the fixed backend's cores",
          "[cli][simulate][time]") {
    scratch work("sf_test_time");
    const std::vector<std::string> fixed{"--backend", "fixed", "--board", "spinn5"};
    const auto counted = spike_steps(work, "float_steps", {"--time", "steps"});
    const auto summed = spike_steps(work, "float_accumulated", {"--time", "accumulated"});
    const auto by_default = spike_steps(work, "float_default", {});
    auto fixed_steps = fixed;
    fixed_steps.insert(fixed_steps.end(), {"--time", "steps"});
    const auto cores = spike_steps(work, "fixed_steps", fixed_steps);
    const auto cores_default = spike_steps(work, "fixed_default", fixed);

    REQUIRE(counted.size() >= 10);
    CHECK(by_default == summed);
    CHECK(cores == cores_default); // --time steps changes only how times are written
    CHECK(largest_shift(cores, counted) <= 1);
    // Against the running sum the shifts add up from spike to spike.
    CHECK(largest_shift(cores, summed) > 1);
}

TEST_CASE("simulate --time steps: the fixed backend records times as step x dt",
          "[cli][simulate][time]") {
    scratch work("sf_test_time");
    const std::vector<std::string> fixed{"--backend", "fixed", "--board", "spinn5"};
    auto with_steps = fixed;
    with_steps.insert(with_steps.end(), {"--time", "steps"});
    static_cast<void>(spike_steps(work, "counted", with_steps));
    static_cast<void>(spike_steps(work, "summed", fixed));
    std::istringstream counted(read_file(work / "counted" / "v.dat"));
    std::istringstream summed(read_file(work / "summed" / "v.dat"));
    std::string counted_line;
    std::string summed_line;
    // Written as 32-bit floats, the two columns rarely differ; each is checked against its rule.
    double t = 0.0;
    std::int64_t k = 0;
    while (std::getline(counted, counted_line) && std::getline(summed, summed_line)) {
        INFO("row " << k);
        CHECK(std::stof(counted_line) == static_cast<float>(static_cast<double>(k) * dt));
        CHECK(std::stof(summed_line) == static_cast<float>(t));
        t += dt;
        ++k;
    }
    CHECK(k == 30001);
}

TEST_CASE("simulate --time: a bad choice, or accumulated with the fixed backend, is refused",
          "[cli][simulate][time]") {
    scratch work("sf_test_time");
    const fs::path model = model_file();
    const fs::path out = work / "out";
    SECTION("an unknown choice") {
        const auto [status, output] = run_to_end(
            spikeforge, {"simulate", model.string(), "-o", out.string(), "--time", "sometimes"});
        INFO(output);
        CHECK(status == 2);
        CHECK_THAT(output, Catch::Contains("--time"));
        CHECK_THAT(output, Catch::Contains("sometimes"));
        CHECK_THAT(output, Catch::Contains("accumulated"));
        CHECK_THAT(output, Catch::Contains("steps"));
    }
    SECTION("accumulated with the fixed backend") {
        const auto [status, output] =
            run_to_end(spikeforge, {"simulate", "--backend", "fixed", "--board", "spinn5",
                                    model.string(), "-o", out.string(), "--time", "accumulated"});
        CHECK(status == 2);
        CHECK(output == "spikeforge simulate: --backend fixed counts whole steps on its cores and "
                        "cannot keep time as an accumulated sum of dt: --time accumulated is for "
                        "--backend float (give --time steps or leave it out)\n");
    }
    CHECK(outputs_in(out).empty());
}

TEST_CASE("simulate --help describes --time", "[cli][simulate][time][help]") {
    const auto [status, output] = run_to_end(spikeforge, {"simulate", "--help"});
    CHECK(status == 0);
    CHECK_THAT(output, Catch::Contains("--time"));
    CHECK_THAT(output, Catch::Contains("step number x dt"));
}
