// `--threads N` of `spikeforge run` and `spikeforge simulate --backend fixed` end to end: the
// files written on several threads are those written on one, byte for byte; a count that is not
// one, or more than one thread for a target or backend that runs on one, is refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
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
const fs::path balanced = fs::path(SF_EXAMPLES_DIR) / "balanced_network/LEMS_balanced_network.xml";

// spinn5 with cores of 8 neurons, named "small5": the example's 50 cells take several cores.
fs::path small_cores_board(const scratch& work) {
    std::string text = read_file(fs::path(SF_EXAMPLES_DIR).parent_path() / "boards/spinn5.xml");
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"name=\"spinn5\"", "name=\"small5\""},
          {"core neurons=\"256\"", "core neurons=\"8\""}}) {
        const std::size_t at = text.find(from);
        INFO(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    }
    const fs::path path = work / "small5.xml";
    std::ofstream(path) << text;
    REQUIRE(fs::exists(path));
    return path;
}

// The example mapped onto small cores, to an image in `work`.
fs::path small_cores_image(const scratch& work) {
    const fs::path image = work / "net.sfimg";
    const auto [status, output] =
        run_to_end(spikeforge, {"map", balanced.string(), "--board",
                                small_cores_board(work).string(), "-o", image.string()});
    INFO(output);
    REQUIRE(status == 0);
    return image;
}

std::pair<int, std::string> run_with(std::vector<std::string> arguments) {
    return run_to_end(spikeforge, arguments);
}

} // namespace

TEST_CASE("run --threads: the files of 2 and 3 threads are those of 1, byte for byte",
          "[cli][run][threads]") {
    scratch work;
    const fs::path image = small_cores_image(work);
    std::vector<std::pair<std::string, std::string>> one;
    for (const char* threads : {"1", "2", "3"}) {
        INFO(threads << " threads");
        const fs::path out = work / (std::string("out") + threads);
        const auto [status, output] =
            run_with({"run", image.string(), "-o", out.string(), "--threads", threads});
        INFO(output);
        REQUIRE(status == 0);
        CHECK_THAT(output,
                   Catch::Contains(std::string(" s on ") + threads +
                                   (threads == std::string("1") ? " thread\n" : " threads\n")));
        const auto files = outputs_in(out);
        REQUIRE(files.size() == 2);
        if (one.empty()) {
            one = files;
        } else {
            CHECK(files == one);
        }
    }
    CHECK_FALSE(one[0].second.empty());
}

TEST_CASE("simulate --backend fixed --threads: the files of 2 threads are those of 1",
          "[cli][simulate][threads]") {
    scratch work;
    const std::string board = small_cores_board(work).string();
    std::vector<std::pair<std::string, std::string>> files[2];
    for (int k = 0; k < 2; ++k) {
        const std::string threads = k == 0 ? "1" : "2";
        const fs::path out = work / ("out" + threads);
        const auto [status, output] =
            run_with({"simulate", "--backend", "fixed", "--board", board, balanced.string(), "-o",
                      out.string(), "--threads", threads});
        INFO(output);
        REQUIRE(status == 0);
        CHECK_THAT(output,
                   Catch::Contains(") on " + threads + (k == 0 ? " thread\n" : " threads\n")));
        files[k] = outputs_in(out);
    }
    REQUIRE_FALSE(files[0].empty());
    CHECK(files[1] == files[0]);
}

TEST_CASE("run --threads: a count that is not a whole number from 1 up is refused",
          "[cli][run][threads]") {
    scratch work;
    const fs::path image = work / "never_read.sfimg";
    std::ofstream(image) << "x";
    for (const char* count : {"0", "two", "-1", "2.5", "", "1025", "99999999999999999999"}) {
        INFO("--threads '" << count << "'");
        const auto [status, output] =
            run_with({"run", image.string(), "-o", (work / "out").string(), "--threads", count});
        INFO(output);
        CHECK(status == 2);
        if (std::string(count) != "-1") {
            CHECK_THAT(output, Catch::StartsWith("spikeforge run: --threads takes a whole number "
                                                 "of threads from 1 to 1024, not '" +
                                                 std::string(count) + "'\n"));
        }
        CHECK_FALSE(fs::exists(work / "out"));
    }
}

TEST_CASE("run --threads: more than one for the systemc or rtl target, or with --url, is refused",
          "[cli][run][threads]") {
    scratch work;
    const fs::path image = small_cores_image(work);
    for (const char* target : {"systemc", "rtl"}) {
        INFO(target);
        const auto [status, output] =
            run_with({"run", image.string(), "-o", (work / "out").string(), "--target", target,
                      "--threads", "2"});
        INFO(output);
        CHECK(status == 2);
        CHECK(output == std::string("spikeforge run: --target ") + target +
                            " runs on one thread: --threads 2 is for --target functional (give "
                            "--threads 1 or leave it out)\n");
        CHECK_FALSE(fs::exists(work / "out"));
    }
    const auto [status, output] =
        run_with({"run", image.string(), "--url", "emu://functional", "--threads", "4"});
    INFO(output);
    CHECK(status == 2);
    CHECK(output == "spikeforge run: --threads chooses how many threads step the cores in this "
                    "process: it does not go with --url\n");
}

TEST_CASE("simulate --threads: a bad count, or more than one for the float backend, is refused",
          "[cli][simulate][threads]") {
    scratch work;
    for (const char* backend : {"fixed", "float"}) {
        INFO(backend);
        const auto [status, output] = run_with({"simulate", "--backend", backend, balanced.string(),
                                                "-o", (work / "out").string(), "--threads", "0"});
        INFO(output);
        CHECK(status == 2);
        CHECK(output == "spikeforge simulate: --threads takes a whole number of threads from 1 to "
                        "1024, not '0'\n");
    }
    const auto [status, output] = run_with({"simulate", "--backend", "float", balanced.string(),
                                            "-o", (work / "out").string(), "--threads", "2"});
    INFO(output);
    CHECK(status == 2);
    CHECK(output == "spikeforge simulate: --backend float runs on one thread: --threads 2 is for "
                    "--backend fixed (give --threads 1 or leave it out)\n");
    CHECK_FALSE(fs::exists(work / "out"));
}

TEST_CASE("map --threads: images mapped on 1 and 2 threads run alike; a bad count is refused",
          "[cli][map][threads]") {
    scratch work;
    const std::string board = small_cores_board(work).string();
    std::vector<std::pair<std::string, std::string>> files[2];
    for (int k = 0; k < 2; ++k) {
        const std::string threads = k == 0 ? "1" : "2";
        const fs::path image = work / ("net" + threads + ".sfimg");
        const auto [mapped, map_output] = run_with({"map", balanced.string(), "--board", board,
                                                    "-o", image.string(), "--threads", threads});
        INFO(map_output);
        REQUIRE(mapped == 0);
        const fs::path out = work / ("out" + threads);
        const auto [status, output] =
            run_with({"run", image.string(), "-o", out.string(), "--threads", "1"});
        INFO(output);
        REQUIRE(status == 0);
        files[k] = outputs_in(out);
    }
    REQUIRE_FALSE(files[0].empty());
    CHECK(files[1] == files[0]);

    const fs::path refused = work / "refused.sfimg";
    const auto [status, output] = run_with(
        {"map", balanced.string(), "--board", board, "-o", refused.string(), "--threads", "0"});
    CHECK(status == 2);
    CHECK(output == "spikeforge map: --threads takes a whole number of threads from 1 to 1024, "
                    "not '0'\n");
    CHECK_FALSE(fs::exists(refused));
}
