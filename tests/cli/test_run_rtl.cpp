// `spikeforge run --target rtl`, `--target systemc --rtl-cores` and `spikeforge serve --target rtl`
// end to end: the Verilated cores and routers write what the functional emulator and the timed
// model write, and what they cannot run is refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_support.hpp"
#include "server_process.hpp"

namespace fs = std::filesystem;
using sf_test::outputs_in;
using sf_test::run_to_end;
using sf_test::scratch;
using sf_test::server_process;

namespace {

const std::string spikeforge = SPIKEFORGE_BINARY;

// The bundled example cut to its first 25 ms (1000 steps), written into `work`: every clock
// cycle of the RTL is simulated, so the whole 500 ms would take half a minute a run.
fs::path short_example(const scratch& work) {
    std::string text = sf_test::read_file(fs::path(SF_EXAMPLES_DIR) / "balanced_network" /
                                          "LEMS_balanced_network.xml");
    const std::string length = "length=\"500ms\"";
    const std::size_t at = text.find(length);
    REQUIRE(at != std::string::npos);
    text.replace(at, length.size(), "length=\"25ms\"");
    const fs::path model = work / "short.xml";
    std::ofstream(model) << text;
    REQUIRE(fs::exists(model));
    return model;
}

// The short example's image, mapped onto spinn5.
fs::path short_image(const scratch& work) {
    const fs::path image = work / "net.sfimg";
    const auto [status, output] =
        run_to_end(spikeforge, {"map", short_example(work).string(), "-o", image.string()});
    INFO(output);
    REQUIRE(status == 0);
    return image;
}

std::pair<int, std::string> run_into(const fs::path& input, const fs::path& folder,
                                     std::vector<std::string> options) {
    std::vector<std::string> arguments = {"run", input.string(), "-o", folder.string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    return run_to_end(spikeforge, arguments);
}

// The files `options` make the example's image write; the run must succeed.
std::vector<std::pair<std::string, std::string>>
files_of(const fs::path& image, const fs::path& folder, const std::vector<std::string>& options) {
    const auto [status, output] = run_into(image, folder, options);
    INFO(output);
    REQUIRE(status == 0);
    return outputs_in(folder);
}

} // namespace

TEST_CASE("run --target rtl: every core and router Verilated, the functional target's files",
          "[cli][run][rtl]") {
    scratch work;
    const fs::path image = short_image(work);
    const auto expected = files_of(image, work / "functional", {});
    REQUIRE(expected.size() == 2);
    const auto [status, output] = run_into(image, work / "rtl", {"--target", "rtl"});
    INFO(output);
    CHECK(status == 0);
    CHECK(output.find("on the Verilated RTL") != std::string::npos);
    CHECK(outputs_in(work / "rtl") == expected);
}

TEST_CASE("run MODEL --target rtl: a model mapped on the fly runs on the RTL", "[cli][run][rtl]") {
    scratch work;
    const fs::path model = short_example(work);
    const auto [f_status, f_output] = run_into(model, work / "functional", {});
    INFO(f_output);
    REQUIRE(f_status == 0);
    const auto [status, output] = run_into(model, work / "rtl", {"--target", "rtl"});
    INFO(output);
    CHECK(status == 0);
    CHECK(outputs_in(work / "rtl") == outputs_in(work / "functional"));
}

TEST_CASE("run --target systemc --rtl-cores: Verilated cores inside the timed model change no "
          "value",
          "[cli][run][rtl][systemc]") {
    scratch work;
    const fs::path image = short_image(work);
    const auto expected = files_of(image, work / "kernels", {"--target", "systemc"});
    REQUIRE(expected.size() == 2);
    for (const char* cores : {"all", "0", "0-1", "0,1"}) {
        SECTION(cores) {
            const auto [status, output] =
                run_into(image, work / "rtl", {"--target", "systemc", "--rtl-cores", cores});
            INFO(output);
            CHECK(status == 0);
            CHECK(output.find("on the timed board model") != std::string::npos);
            CHECK(outputs_in(work / "rtl") == expected);
        }
    }
}

TEST_CASE("run: what the RTL targets cannot run is refused with exit 2 and no output",
          "[cli][run][rtl][errors]") {
    scratch work;
    const fs::path image = short_image(work);
    struct expectation {
        std::vector<std::string> options;
        std::string says;
    };
    const std::vector<expectation> cases = {
        {{"--target", "systemc", "--rtl-cores", "x"},
         "--rtl-cores: 'x' is not a core number or a range FIRST-LAST"},
        {{"--target", "systemc", "--rtl-cores", "3-1"}, "'3-1' is not a core number or a range"},
        {{"--target", "systemc", "--rtl-cores", "0,,1"}, "'' is not a core number"},
        {{"--target", "systemc", "--rtl-cores", "9"},
         "--rtl-cores: core 9 is beyond the image's 2 cores (0-1)"},
        {{"--target", "rtl", "--board", "bss2"},
         "board bss2 has analog neurons: the RTL core runs neuron programs"},
        {{"--target", "rtl", "--board", "nosuch"}, "unknown board"},
        {{"--target", "rtl", "--url", "udp://127.0.0.1:1"},
         "--target rtl runs in this process: for a server of it, use `spikeforge serve --target "
         "rtl` or --url emu://rtl"},
    };
    for (const auto& c : cases) {
        const auto [status, output] = run_into(image, work / "out", c.options);
        INFO(output);
        CHECK(status == 2);
        CHECK(output.find(c.says) != std::string::npos);
        CHECK(outputs_in(work / "out").empty());
    }
}

TEST_CASE("serve --target rtl: a run over UDP writes the files of the in-process run",
          "[cli][serve][rtl]") {
    scratch work;
    const fs::path image = short_image(work);
    const auto expected = files_of(image, work / "in_process", {"--target", "rtl"});
    REQUIRE(expected.size() == 2);

    server_process server(spikeforge, {"serve", "--target", "rtl", "--port", "0"});
    const auto [status, output] = run_into(image, work / "remote", {"--url", server.url()});
    INFO(output);
    CHECK(status == 0);
    CHECK(outputs_in(work / "remote") == expected);

    const auto [e_status, e_output] = run_into(image, work / "emu", {"--url", "emu://rtl"});
    INFO(e_output);
    CHECK(e_status == 0);
    CHECK(outputs_in(work / "emu") == expected);
}
