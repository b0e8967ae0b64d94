// The Verilated router's coverage counts as the harness writes them: into SF_RTL_COVERAGE_DIR,
// one file per model, only in a build verilated with coverage (SF_RTL_COVERAGE).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <sf/emulator/rtl_router.hpp>

namespace {

namespace fs = std::filesystem;
using sf::emulator::rtl_router;

constexpr const char* dir_variable = "SF_RTL_COVERAGE_DIR";

// Sets SF_RTL_COVERAGE_DIR for the test and puts back what it was: the suite itself may run with
// it set, collecting coverage.
class coverage_dir_set {
public:
    explicit coverage_dir_set(const fs::path& dir) {
        if (const char* before = std::getenv(dir_variable)) {
            before_ = before;
        }
        ::setenv(dir_variable, dir.c_str(), 1);
    }
    ~coverage_dir_set() {
        if (before_) {
            ::setenv(dir_variable, before_->c_str(), 1);
        } else {
            ::unsetenv(dir_variable);
        }
    }
    coverage_dir_set(const coverage_dir_set&) = delete;
    coverage_dir_set& operator=(const coverage_dir_set&) = delete;

private:
    std::optional<std::string> before_;
};

fs::path fresh_dir(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("sf-rtl-coverage-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// One packet through a router that is then destroyed, writing its counts.
void route_one_packet() {
    rtl_router router;
    (void)router.write_entry(0, 1, 0xffffffffu, 1u);
    router.set_entries(1);
    router.offer(1, rtl_router::from_cores, 0);
    REQUIRE(router.tick().accepted);
    (void)router.tick();
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
        files.push_back(entry.path());
    }
    return files;
}

} // namespace

#ifdef SF_RTL_COVERAGE

namespace {

std::string read_all(const fs::path& path) {
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("rtl coverage: each router writes its counts to a file of its own", "[rtl]") {
    const fs::path dir = fresh_dir("write") / "made";
    {
        const coverage_dir_set set(dir);
        route_one_packet();
        route_one_packet();
    }
    const std::vector<fs::path> files = files_in(dir);
    REQUIRE(files.size() == 2);
    for (const fs::path& file : files) {
        INFO(file);
        CHECK(file.filename().string().rfind("router-", 0) == 0);
        const std::string counts = read_all(file);
        CHECK(counts.find("bin_router_match") != std::string::npos);
        CHECK(counts.find("v_toggle") != std::string::npos);
        CHECK(counts.find("v_line") != std::string::npos);
    }
    fs::remove_all(dir.parent_path());
}

TEST_CASE("rtl coverage: a directory it cannot make is reported, not thrown", "[rtl]") {
    const fs::path dir = fresh_dir("blocked");
    std::ofstream(dir / "file") << "not a directory";
    std::ostringstream errors;
    std::streambuf* const before = std::cerr.rdbuf(errors.rdbuf());
    {
        const coverage_dir_set set(dir / "file" / "sub");
        route_one_packet();
    }
    std::cerr.rdbuf(before);
    INFO(errors.str());
    CHECK(errors.str().find("rtl coverage: cannot write the router's coverage into " +
                            (dir / "file" / "sub").string()) != std::string::npos);
    CHECK(files_in(dir).size() == 1);
    fs::remove_all(dir);
}

#else

TEST_CASE("rtl coverage: a build without coverage writes nothing", "[rtl]") {
    const fs::path dir = fresh_dir("none");
    {
        const coverage_dir_set set(dir);
        route_one_packet();
    }
    CHECK(files_in(dir).empty());
    fs::remove_all(dir);
}

#endif
