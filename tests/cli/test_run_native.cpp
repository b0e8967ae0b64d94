// `--native-code` of `spikeforge run` and `spikeforge simulate --backend fixed` end to end: the
// files written with the cores' programs compiled to machine code are those of the kernel, byte
// for byte, on one thread and on two; a compiler that is not there, or a target whose cores are not
// kernels, is refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_support.hpp"

namespace fs = std::filesystem;
using sf_test::outputs_in;
using sf_test::read_file;
using sf_test::run_to_end;
using sf_test::scratch;

namespace {

const std::string spikeforge = SPIKEFORGE_BINARY;
const fs::path balanced = fs::path(SF_EXAMPLES_DIR) / "balanced_network/LEMS_balanced_network.xml";

// Runs `arguments` and requires exit 0, returning what it printed.
std::string run_ok(const std::vector<std::string>& arguments) {
    const auto [status, output] = run_to_end(spikeforge, arguments);
    INFO(output);
    REQUIRE(status == 0);
    return output;
}

} // namespace

TEST_CASE("run --native-code always writes the files of never, on 1 and 2 threads",
          "[cli][run][native]") {
    scratch work;
    const fs::path image =
        sf_test::map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    const fs::path never = work / "never";
    const std::string kernel = run_ok(
        {"run", image.string(), "--native-code", "never", "--threads", "1", "-o", never.string()});
    CHECK(kernel.find("neuron programs: kernel (--native-code never)") != std::string::npos);
    const auto expected = outputs_in(never);
    REQUIRE(expected.size() >= 2);
    for (const std::string threads : {"1", "2"}) {
        INFO("threads " << threads);
        const fs::path folder = work / ("always" + threads);
        const std::string native =
            run_ok({"run", image.string(), "--native-code", "always", "--threads", threads, "-o",
                    folder.string(), "--report", (work / ("report" + threads + ".json")).string()});
        CHECK(native.find("neuron programs: native code (") != std::string::npos);
        CHECK(outputs_in(folder) == expected);
        const auto report = nlohmann::json::parse(read_file(work / ("report" + threads + ".json")));
        CHECK(report["native_code"]["used"] == true);
        CHECK(report["native_code"]["kernel_cores"] == 0);
        CHECK(report["native_code"]["programs"].get<int>() >= 1);
    }
}

TEST_CASE("simulate --backend fixed --native-code always writes the files of never",
          "[cli][simulate][native]") {
    scratch work;
    std::vector<std::vector<std::pair<std::string, std::string>>> files;
    for (const std::string choice : {"never", "always"}) {
        const fs::path folder = work / choice;
        const std::string output = run_ok({"simulate", balanced.string(), "--backend", "fixed",
                                           "--native-code", choice, "-o", folder.string()});
        CHECK(output.find(choice == "never"
                              ? "neuron programs: kernel"
                              : "neuron programs: native code (") != std::string::npos);
        files.push_back(outputs_in(folder));
    }
    REQUIRE(files[0].size() >= 2);
    CHECK(files[0] == files[1]);
}

TEST_CASE("run and simulate: --native-code always without a compiler is refused, naming it",
          "[cli][native]") {
    scratch work;
    const fs::path image =
        sf_test::map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    const std::string missing = "/nonexistent/c++";
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"run", image.string(), "-o", (work / "out").string()},
          std::vector<std::string>{"simulate", balanced.string(), "--backend", "fixed", "-o",
                                   (work / "out").string()}}) {
        // An empty SPIKEFORGE_CXX is not set: CXX names the compiler.
        std::vector<std::string> arguments{"SPIKEFORGE_CXX=", "CXX=" + missing, spikeforge};
        arguments.insert(arguments.end(), command.begin(), command.end());
        arguments.insert(arguments.end(), {"--native-code", "always"});
        const auto [status, output] = run_to_end("/usr/bin/env", arguments);
        INFO(output);
        CHECK(status == 2);
        CHECK(output.find("the C++ compiler '" + missing + "' failed") != std::string::npos);
        // auto falls back to the kernel and says why.
        arguments.back() = "auto";
        const auto [fallback, said] = run_to_end("/usr/bin/env", arguments);
        INFO(said);
        CHECK(fallback == 0);
        CHECK(said.find("neuron programs: kernel (") != std::string::npos);
    }
}

TEST_CASE("run --native-code always is refused on targets whose cores are not kernels",
          "[cli][run][native]") {
    scratch work;
    const fs::path image =
        sf_test::map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    const auto [status, output] =
        run_to_end(spikeforge, {"run", image.string(), "--target", "systemc", "--native-code",
                                "always", "-o", (work / "out").string()});
    INFO(output);
    CHECK(status == 2);
    CHECK(output.find("--native-code always compiles the functional target's neuron programs") !=
          std::string::npos);
}
