// `spikeforge compare`: two runs' spikes at a glance, and its refusals (exit status 2, naming the
// file and line or the option, and what was expected).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "run_support.hpp"

namespace {

namespace fs = std::filesystem;
using sf_test::run_to_end;
using sf_test::scratch;
using sf_test::write_text;

std::pair<int, std::string> compare(const std::vector<std::string>& arguments) {
    std::vector<std::string> all{"compare"};
    all.insert(all.end(), arguments.begin(), arguments.end());
    return run_to_end(SPIKEFORGE_BINARY, all);
}

} // namespace

TEST_CASE("compare prints both counts, their difference and the share within one step",
          "[cli][compare]") {
    scratch work("sf_test_compare");
    write_text(work / "float.spikes", "0.0010\t1\n0.0020\t1\n0.0030\t2\n0.0040\t2\n");
    write_text(work / "board.spikes", "0.0010\t1\n0.0021\t1\n0.0032\t2\n0.0040\t2\n0.0050\t3\n");
    const auto [status, output] = compare(
        {(work / "float.spikes").string(), (work / "board.spikes").string(), "--dt", "0.1ms"});
    INFO(output);
    CHECK(status == 0);
    CHECK_THAT(output, Catch::Contains("float.spikes: 4 spikes"));
    CHECK_THAT(output, Catch::Contains("board.spikes: 5 spikes (+25.0 % against the reference)"));
    CHECK_THAT(output, Catch::Contains("3 cells fired; 3 of the reference's 4 spikes (75.0 %)"));
    CHECK_THAT(output, Catch::Contains("within one step (0.1ms)"));
}

TEST_CASE("compare takes the step in s, ms or us", "[cli][compare]") {
    scratch work("sf_test_compare");
    write_text(work / "a.spikes", "0.0010\t1\n");
    write_text(work / "b.spikes", "0.00105\t1\n");
    for (const std::string step : {"1e-4s", "0.1ms", "100us"}) {
        const auto [status, output] =
            compare({(work / "a.spikes").string(), (work / "b.spikes").string(), "--dt", step});
        INFO(step << ": " << output);
        CHECK(status == 0);
        CHECK_THAT(output, Catch::Contains("1 of the reference's 1 spikes (100.0 %)"));
    }
}

TEST_CASE("compare refuses a step without its unit, a missing file and a malformed line",
          "[cli][compare]") {
    scratch work("sf_test_compare");
    write_text(work / "a.spikes", "0.0010\t1\n");
    write_text(work / "bad.spikes", "0.0010\t1\n0.002\n");
    const std::string a = (work / "a.spikes").string();
    SECTION("a step without a unit, or not a positive time") {
        for (const std::string step : {"0.1", "0.1 ms", "fast", "0ms", "1min"}) {
            const auto [status, output] = compare({a, a, "--dt", step});
            INFO(step << ": " << output);
            CHECK(status == 2);
            CHECK_THAT(output, Catch::Contains("--dt " + step + ": expected a positive time"));
        }
    }
    SECTION("no --dt") {
        const auto [status, output] = compare({a, a});
        INFO(output);
        CHECK(status == 2);
        CHECK_THAT(output, Catch::Contains("--dt"));
    }
    SECTION("a missing file") {
        const std::string missing = (work / "missing.spikes").string();
        const auto [status, output] = compare({a, missing, "--dt", "0.1ms"});
        INFO(output);
        CHECK(status == 2);
        CHECK_THAT(output, Catch::Contains("missing.spikes"));
    }
    SECTION("a malformed line, named") {
        const auto [status, output] = compare({a, (work / "bad.spikes").string(), "--dt", "0.1ms"});
        INFO(output);
        CHECK(status == 2);
        CHECK_THAT(output, Catch::Contains("bad.spikes:2:"));
    }
}
