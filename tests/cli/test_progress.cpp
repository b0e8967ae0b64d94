// The progress line of a long simulate: shown on a terminal (a pseudo-terminal here) and cleared
// before the results, and absent when standard error is a pipe or --quiet is given.
#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "run_support.hpp"

namespace fs = std::filesystem;

namespace {

// The balanced example run for 12 s of model time: over a second even on a fast machine, long
// enough that the line (which waits half a second before it shows) appears.
fs::path long_model(const sf_test::scratch& work) {
    std::string text = sf_test::read_file(fs::path(SF_EXAMPLES_DIR) /
                                          "balanced_network/LEMS_balanced_network.xml");
    const std::string length = "length=\"500ms\"";
    const auto at = text.find(length);
    REQUIRE(at != std::string::npos);
    text.replace(at, length.size(), "length=\"12000ms\"");
    const fs::path model = work / "long.xml";
    sf_test::write_text(model, text);
    return model;
}

// Runs spikeforge with its standard output and error on a pseudo-terminal; what it wrote there.
std::string run_on_terminal(const std::vector<std::string>& arguments) {
    std::vector<std::string> words{SPIKEFORGE_BINARY};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& word : words) {
        argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    int terminal = -1;
    const pid_t child = forkpty(&terminal, nullptr, nullptr, nullptr);
    REQUIRE(child >= 0);
    if (child == 0) {
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    std::string output;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd ready{terminal, POLLIN, 0};
        if (::poll(&ready, 1, 1000) <= 0) {
            continue;
        }
        const ssize_t n = ::read(terminal, buffer, sizeof buffer);
        if (n <= 0) {
            break; // EIO once the child has closed its side, on its way out
        }
        output.append(buffer, static_cast<std::size_t>(n));
    }
    // The child closes the terminal as it exits, a moment before it can be waited for: it gets
    // until the deadline (or ten seconds more) to end before it is killed.
    int status = 0;
    const auto reap_deadline =
        std::max(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    while (::waitpid(child, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > reap_deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::close(terminal);
    INFO(output);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    return output;
}

} // namespace

TEST_CASE("cli: simulate shows a progress line on a terminal and clears it before its results",
          "[cli][progress]") {
    sf_test::scratch work("sf_test_progress");
    const fs::path model = long_model(work);
    const std::string output = run_on_terminal(
        {"simulate", model.string(), "-o", work.path().string(), "--native-code", "never"});
    INFO(output);
    const auto last_line = output.rfind("\rrunning ");
    REQUIRE(last_line != std::string::npos);
    CHECK_THAT(output, Catch::Contains(" steps, "));
    CHECK_THAT(output, Catch::Contains("%"));
    // Cleared: spaces over the text and back to the start of the line, then the results.
    const auto cleared = output.find(" \r", last_line);
    REQUIRE(cleared != std::string::npos);
    const auto results = output.find("simulation sim", last_line);
    REQUIRE(results != std::string::npos);
    CHECK(cleared < results);
    CHECK(output.find_first_not_of(' ', output.rfind('\r', cleared - 1) + 1) == cleared + 1);
}

TEST_CASE("cli: no progress line with --quiet or when standard error is not a terminal",
          "[cli][progress]") {
    sf_test::scratch work("sf_test_progress");
    const fs::path model = long_model(work);
    SECTION("--quiet on a terminal") {
        const std::string output =
            run_on_terminal({"simulate", model.string(), "-o", work.path().string(),
                             "--native-code", "never", "--quiet"});
        INFO(output);
        CHECK_THAT(output, Catch::Contains("simulation sim"));
        CHECK_THAT(output, !Catch::Contains("running"));
        // Only the terminal's own line ends carry a carriage return.
        for (std::size_t at = output.find('\r'); at != std::string::npos;
             at = output.find('\r', at + 1)) {
            CHECK(output.substr(at, 2) == "\r\n");
        }
    }
    SECTION("a pipe") {
        const auto [status, output] = sf_test::run_to_end(
            SPIKEFORGE_BINARY,
            {"simulate", model.string(), "-o", work.path().string(), "--native-code", "never"});
        INFO(output);
        CHECK(status == 0);
        CHECK_THAT(output, Catch::Contains("simulation sim"));
        CHECK(output.find('\r') == std::string::npos);
        CHECK_THAT(output, !Catch::Contains("running"));
    }
}
