// `spikeforge serve` and `spikeforge run --url` end to end: a host process and a server process
// over loopback UDP, and the closed-loop example against the server.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
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

std::vector<std::pair<std::string, std::string>> in_process_run(const scratch& work,
                                                                const fs::path& image) {
    const fs::path folder = work / "in_process";
    fs::create_directories(folder);
    const auto [status, output] =
        run_to_end(spikeforge, {"run", image.string(), "-o", folder.string()});
    INFO(output);
    REQUIRE(status == 0);
    return outputs_in(folder);
}

} // namespace

TEST_CASE("serve: an image run over UDP writes the files the in-process run writes",
          "[cli][serve]") {
    scratch work;
    const fs::path image =
        map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    const auto expected = in_process_run(work, image);
    REQUIRE(!expected.empty());

    server_process server(spikeforge, {"serve", "--target", "functional", "--port", "0"});
    const fs::path folder = work / "remote";
    fs::create_directories(folder);
    const auto [status, output] = run_to_end(
        spikeforge, {"run", image.string(), "--url", server.url(), "-o", folder.string()});
    INFO(output);
    CHECK(status == 0);
    CHECK(outputs_in(folder) == expected);
}

TEST_CASE("serve: an image run in the process through emu://functional writes the same files",
          "[cli][serve]") {
    scratch work;
    const fs::path image =
        map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    const auto expected = in_process_run(work, image);
    const fs::path folder = work / "emu";
    fs::create_directories(folder);
    const auto [status, output] = run_to_end(
        spikeforge, {"run", image.string(), "--url", "emu://functional", "-o", folder.string()});
    INFO(output);
    CHECK(status == 0);
    CHECK(outputs_in(folder) == expected);
}

TEST_CASE("serve: the closed loop keeps the cart on its target, and without the network it "
          "does not",
          "[cli][serve][closed_loop]") {
    scratch work;
    const fs::path image = map_example(work, "closed_loop/LEMS_closed_loop.xml", "loop.sfimg");
    server_process server(spikeforge,
                          {"serve", "--target", "functional", "--port", "0", "--pace", "lockstep"});
    const std::string trajectory = (work / "trajectory.csv").string();
    // The network's error code has a resolution of 0.05: settled, the cart stays within it.
    const auto [closed, closed_output] =
        run_to_end(CLOSED_LOOP_BINARY, {image.string(), "--url", server.url(), "--out", trajectory,
                                        "--max-error", "0.05"});
    INFO(closed_output);
    CHECK(closed == 0);
    CHECK(closed_output.find("settled tracking error") != std::string::npos);
    const std::string csv = read_file(trajectory);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 2001); // a header and 2000 steps

    const auto [open, open_output] =
        run_to_end(CLOSED_LOOP_BINARY, {image.string(), "--url", server.url(), "--out", trajectory,
                                        "--max-error", "0.05", "--open-loop"});
    INFO(open_output);
    CHECK(open == 1);
}

TEST_CASE("serve: a server that dies mid-run is reported by the host, which exits non-zero",
          "[cli][serve][faults]") {
    scratch work;
    const fs::path image = map_example(work, "closed_loop/LEMS_closed_loop.xml", "loop.sfimg");
    server_process server(spikeforge,
                          {"serve", "--target", "functional", "--port", "0", "--pace", "realtime"});
    // Two seconds of board time in real time: the server dies half a second in.
    server_process host(
        spikeforge,
        {"run", image.string(), "--url", server.url(), "--realtime", "-o", (work / "out").string()},
        false);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    server.kill_now();
    const auto started = std::chrono::steady_clock::now();
    const int status = host.wait(30);
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(host.output());
    CHECK(status == 1);
    CHECK(waited < 15); // the host's stated timeout is about 10 s
    CHECK(host.output().find("board") != std::string::npos);
}

TEST_CASE("serve: a host that dies mid-run frees the board for the next host when its lease "
          "ends",
          "[cli][serve][faults]") {
    scratch work;
    const fs::path image = map_example(work, "closed_loop/LEMS_closed_loop.xml", "loop.sfimg");
    server_process server(spikeforge, {"serve", "--target", "functional", "--port", "0", "--pace",
                                       "realtime", "--lease", "0.5"});
    {
        server_process host(spikeforge,
                            {"run", image.string(), "--url", server.url(), "--realtime", "-o",
                             (work / "first").string()},
                            false);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        host.kill_now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    const fs::path folder = work / "second";
    fs::create_directories(folder);
    const auto [status, output] = run_to_end(
        spikeforge, {"run", image.string(), "--url", server.url(), "-o", folder.string()});
    INFO(output);
    INFO(server.output());
    CHECK(status == 0);
    CHECK(server.output().find("expired") != std::string::npos);
}

TEST_CASE("run --url: a board that cannot be reached or used is named, with what would do",
          "[cli][serve][errors]") {
    scratch work;
    const fs::path image = map_example(work, "closed_loop/LEMS_closed_loop.xml", "loop.sfimg");
    const std::string img = image.string();
    struct expectation {
        std::vector<std::string> arguments;
        int status;
        std::string says;
    };
    const std::vector<expectation> cases = {
        {{"run", img, "--url", "foo://x"}, 2, "known schemes: udp://, usb://, emu://"},
        {{"run", img, "--url", "emu://nosuch"}, 2, "TARGET one of: functional"},
        {{"run", img, "--live-input", "senseLeft"}, 2, "give its --url"},
        {{"run", img, "--url", "emu://functional", "--live-output", "nosuch"},
         2,
         "populations: senseLeft, senseRight, pushRight, pushLeft"},
        {{"run", img, "--url", "udp://127.0.0.1:1"}, 1, "Connection refused"},
        {{"serve", "--target", "nonsense"}, 2, "unknown target 'nonsense'; available: functional"},
        {{"serve", "--pace", "sometimes"}, 2, "available: lockstep, realtime"},
        {{"serve", "--bind", "not-an-address", "--port", "0"}, 1, "not an IP address"},
    };
    for (const auto& c : cases) {
        const auto [status, output] = run_to_end(spikeforge, c.arguments);
        INFO(output);
        CHECK(status == c.status);
        CHECK(output.find(c.says) != std::string::npos);
    }
}

TEST_CASE("run --url: live output is counted per population", "[cli][serve]") {
    scratch work;
    const fs::path image =
        map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    const auto [status, output] =
        run_to_end(spikeforge, {"run", image.string(), "--url", "emu://functional", "--live-output",
                                "exc", "-o", (work / "out").string()});
    INFO(output);
    CHECK(status == 0);
    CHECK(output.find("live output exc: ") != std::string::npos);
    CHECK(output.find("live output exc: 0 spikes") == std::string::npos);
}
