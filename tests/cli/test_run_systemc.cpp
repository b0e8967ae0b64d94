// `spikeforge run --target systemc` and `spikeforge serve --target systemc` end to end: the timed
// board model writes what the functional emulator writes when nothing is late, reports the
// board's timing, traces its signals, and refuses what it cannot run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_support.hpp"
#include "server_process.hpp"

namespace fs = std::filesystem;
using sf_test::map_example;
using sf_test::outputs_in;
using sf_test::read_file;
using sf_test::run_to_end;
using sf_test::scratch;
using sf_test::server_process;

namespace {

const std::string spikeforge = SPIKEFORGE_BINARY;
const std::string balanced = "balanced_network/LEMS_balanced_network.xml";

// spinn5's description with `from` replaced by `to` (each must be there), written to `work`.
fs::path spinn5_with(const scratch& work, const std::string& file,
                     const std::vector<std::pair<std::string, std::string>>& changes) {
    std::string text = read_file(fs::path(SF_EXAMPLES_DIR).parent_path() / "boards/spinn5.xml");
    for (const auto& [from, to] : changes) {
        const std::size_t at = text.find(from);
        INFO(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    }
    const fs::path path = work / file;
    std::ofstream(path) << text;
    REQUIRE(fs::exists(path));
    return path;
}

// spinn5 ten times slower than real time, named "roomy5": every step of the example fits.
fs::path roomy_board(const scratch& work) {
    return spinn5_with(
        work, "roomy5.xml",
        {{"name=\"spinn5\"", "name=\"roomy5\""}, {"speedup=\"1\"", "speedup=\"0.1\""}});
}

// A run of the example's image into `folder`: its status and output.
std::pair<int, std::string> run_into(const fs::path& image, const fs::path& folder,
                                     std::vector<std::string> options) {
    std::vector<std::string> arguments = {"run", image.string(), "-o", folder.string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    return run_to_end(spikeforge, arguments);
}

// The 1-based line of `file` that holds `text`, as messages name it.
int line_holding(const fs::path& file, const std::string& text) {
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.find(text) != std::string::npos) {
            return number;
        }
    }
    FAIL("no line of " + file.string() + " holds " + text);
    return 0;
}

} // namespace

TEST_CASE("run --target systemc: the functional target's files when nothing is late, and the "
          "timing report",
          "[cli][run][systemc]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const auto [f_status, f_output] = run_into(image, work / "functional", {});
    INFO(f_output);
    REQUIRE(f_status == 0);
    const auto expected = outputs_in(work / "functional");
    REQUIRE(expected.size() == 2);

    const auto [status, output] = run_into(
        image, work / "timed", {"--target", "systemc", "--board", roomy_board(work).string()});
    INFO(output);
    CHECK(status == 0);
    CHECK(output.find("on the timed board model") != std::string::npos);
    CHECK(output.find("timing: ") != std::string::npos);
    CHECK(output.find("cores (cycles per step") != std::string::npos);
    CHECK(output.find("late rows 0") != std::string::npos);
    CHECK(outputs_in(work / "timed") == expected);
}

TEST_CASE("run --target systemc: the board the image names by default, its report and overruns",
          "[cli][run][systemc]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const auto [status, output] = run_into(image, work / "out", {"--target", "systemc"});
    INFO(output);
    CHECK(status == 0);
    // On spinn5 at the example's 0.025 ms step, core 0 of chip (3,3) (all 40 excitatory cells)
    // cannot keep up.
    CHECK(output.find("warning: core 0 of chip (3,3): its neuron update alone takes") !=
          std::string::npos);
    CHECK(output.find("cores (cycles per step against a budget of 5000)") != std::string::npos);
    CHECK(outputs_in(work / "out").size() == 2);
}

TEST_CASE("run --target systemc --real-time-check: a verdict line for the board",
          "[cli][run][systemc]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    SECTION("spinn5, the image's board, is too slow for the example's step") {
        const auto [status, output] =
            run_into(image, work / "out", {"--target", "systemc", "--real-time-check"});
        INFO(output);
        CHECK(status == 0);
        CHECK(output.find("\nspinn5: does not run in real time: core 0 of chip (3,3) needs") !=
              std::string::npos);
        CHECK(output.find("lengthen the time step") != std::string::npos);
    }
    SECTION("a board ten times slower than real time runs it") {
        const auto [status, output] = run_into(
            image, work / "out",
            {"--target", "systemc", "--real-time-check", "--board", roomy_board(work).string()});
        INFO(output);
        CHECK(status == 0);
        CHECK(output.find("\nroomy5: runs in real time") != std::string::npos);
    }
    SECTION("a board a hundred times faster than real time does not") {
        const fs::path fast = spinn5_with(
            work, "fast.xml",
            {{"name=\"spinn5\"", "name=\"fast5\""}, {"speedup=\"1\"", "speedup=\"100\""}});
        const auto [status, output] =
            run_into(image, work / "out",
                     {"--target", "systemc", "--real-time-check", "--board", fast.string()});
        INFO(output);
        CHECK(status == 0);
        CHECK(output.find("\nfast5: does not run in real time") != std::string::npos);
    }
}

TEST_CASE("run --target systemc --trace: a VCD of the chosen signals", "[cli][run][systemc]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const fs::path vcd = work / "board.vcd";
    const auto [status, output] =
        run_into(image, work / "out",
                 {"--target", "systemc", "--trace", vcd.string(), "--trace-signals", "board.*"});
    INFO(output);
    CHECK(status == 0);
    REQUIRE(fs::exists(vcd));
    const std::string text = read_file(vcd);
    CHECK(text.find("$scope module board $end") != std::string::npos);
    CHECK(text.find(" step [31:0]") != std::string::npos);
    CHECK(text.find("chip_") == std::string::npos);
    CHECK(outputs_in(work / "out").size() == 2);
}

TEST_CASE("run --target systemc --trace-signals list: every signal's name, and nothing run",
          "[cli][run][systemc]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const auto [status, output] =
        run_into(image, work / "out", {"--target", "systemc", "--trace-signals", "list"});
    INFO(output);
    CHECK(status == 0);
    CHECK(output.find("board.step\n") != std::string::npos);
    CHECK(output.find("chip_3_3.router.waiting\n") != std::string::npos);
    CHECK(output.find("chip_3_3.core_1.") != std::string::npos);
    CHECK(output.find("timing: ") == std::string::npos);
    CHECK(outputs_in(work / "out").empty());
}

TEST_CASE("run --target systemc: what it cannot run is refused with exit 2 and no output",
          "[cli][run][systemc][errors]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const fs::path bad =
        spinn5_with(work, "bad.xml", {{"core_clock=\"200 MHz\"", "core_clock=\"0 MHz\""}});
    const std::string bad_line =
        bad.string() + ":" + std::to_string(line_holding(bad, "core_clock")) + ":";
    const fs::path too_fast =
        spinn5_with(work, "too_fast.xml", {{"speedup=\"1\"", "speedup=\"1000000\""}});
    const fs::path vcd = work / "refused.vcd";
    struct expectation {
        std::vector<std::string> options;
        std::vector<std::string> says;
    };
    const std::vector<expectation> cases = {
        {{"--board", bad.string()}, {bad_line, "core_clock", "0 MHz"}},
        {{"--board", "nosuch"}, {"nosuch", "unknown board"}},
        {{"--board", "tiny"},
         {"board tiny is 2 x 2 chips", "smaller than the image's 8 x 8 chips"}},
        {{"--board", too_fast.string()}, {"lasts less than one cycle"}},
        {{"--trace", vcd.string(), "--trace-signals", "board.step,nosuch"},
         {"no signal is named 'nosuch'", "--trace-signals list"}},
        {{"--trace-signals", "board.*"}, {"give --trace FILE.vcd"}},
        {{"--url", "emu://functional"}, {"serve --target systemc"}},
    };
    for (const auto& c : cases) {
        std::vector<std::string> options = {"--target", "systemc"};
        options.insert(options.end(), c.options.begin(), c.options.end());
        const auto [status, output] = run_into(image, work / "out", options);
        INFO(output);
        CHECK(status == 2);
        for (const std::string& text : c.says) {
            CHECK(output.find(text) != std::string::npos);
        }
        CHECK(outputs_in(work / "out").empty());
        CHECK_FALSE(fs::exists(vcd));
    }
}

TEST_CASE("run: the systemc options with another target are refused with exit 2",
          "[cli][run][systemc][errors]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const fs::path vcd = work / "t.vcd";
    struct refused {
        std::vector<std::string> options;
        std::string says;
    };
    const std::string systemc_only = "choose how --target systemc runs";
    const std::vector<refused> cases = {
        {{"--trace", vcd.string()}, systemc_only},
        {{"--trace-signals", "list"}, systemc_only},
        {{"--real-time-check"}, systemc_only},
        {{"--rtl-cores", "all"}, systemc_only},
        {{"--target", "rtl", "--rtl-cores", "0"}, systemc_only},
        {{"--target", "functional", "--real-time-check"}, systemc_only},
        {{"--url", "emu://functional", "--trace", vcd.string()}, systemc_only},
        {{"--board", "spinn5"}, "chooses the board whose timing --target systemc or rtl uses"},
    };
    for (const auto& c : cases) {
        const auto [status, output] = run_into(image, work / "out", c.options);
        INFO(output);
        CHECK(status == 2);
        CHECK(output.find(c.says) != std::string::npos);
        CHECK(outputs_in(work / "out").empty());
        CHECK_FALSE(fs::exists(vcd));
    }
}

TEST_CASE("run --target systemc: an image whose board is not found asks for --board",
          "[cli][run][systemc][errors]") {
    scratch work;
    // An image mapped onto a board file: its machine section names a board no folder holds.
    const fs::path board = roomy_board(work);
    const fs::path model = fs::path(SF_EXAMPLES_DIR) / balanced;
    const fs::path image = work / "roomy.sfimg";
    const auto [m_status, m_output] = run_to_end(
        spikeforge, {"map", model.string(), "--board", board.string(), "-o", image.string()});
    INFO(m_output);
    REQUIRE(m_status == 0);

    const auto [status, output] = run_into(image, work / "out", {"--target", "systemc"});
    INFO(output);
    CHECK(status == 2);
    CHECK(output.find("the image's board 'roomy5' is not found") != std::string::npos);
    CHECK(output.find("--board NAME|FILE") != std::string::npos);
    CHECK(outputs_in(work / "out").empty());

    const auto [given, given_output] =
        run_into(image, work / "given", {"--target", "systemc", "--board", board.string()});
    INFO(given_output);
    CHECK(given == 0);
    CHECK(outputs_in(work / "given").size() == 2);
}

TEST_CASE("serve --target systemc: a run over UDP writes the files of the in-process run",
          "[cli][serve][systemc]") {
    scratch work;
    const fs::path image = map_example(work, balanced, "net.sfimg");
    const auto [i_status, i_output] = run_into(image, work / "in_process", {"--target", "systemc"});
    INFO(i_output);
    REQUIRE(i_status == 0);
    const auto expected = outputs_in(work / "in_process");
    REQUIRE(expected.size() == 2);

    server_process server(spikeforge, {"serve", "--target", "systemc", "--port", "0"});
    const auto [status, output] = run_into(image, work / "remote", {"--url", server.url()});
    INFO(output);
    CHECK(status == 0);
    CHECK(outputs_in(work / "remote") == expected);

    const auto [e_status, e_output] = run_into(image, work / "emu", {"--url", "emu://systemc"});
    INFO(e_output);
    CHECK(e_status == 0);
    CHECK(outputs_in(work / "emu") == expected);
}

TEST_CASE("serve --target systemc: an image whose board is not found is refused, saying why",
          "[cli][serve][systemc][errors]") {
    scratch work;
    const fs::path board = roomy_board(work);
    const fs::path model = fs::path(SF_EXAMPLES_DIR) / balanced;
    const fs::path image = work / "roomy.sfimg";
    const auto [m_status, m_output] = run_to_end(
        spikeforge, {"map", model.string(), "--board", board.string(), "-o", image.string()});
    INFO(m_output);
    REQUIRE(m_status == 0);

    server_process server(spikeforge, {"serve", "--target", "systemc", "--port", "0"});
    const auto [status, output] = run_into(image, work / "out", {"--url", server.url()});
    INFO(output);
    INFO(server.output());
    CHECK(status == 2);
    CHECK(output.find("image_refused") != std::string::npos);
    CHECK(server.output().find("image refused: the image's board 'roomy5' is not found") !=
          std::string::npos);
    CHECK(outputs_in(work / "out").empty());
}
