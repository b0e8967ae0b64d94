// `--report FILE.json` of map, run and compile: the JSON parses, names its schema and holds the
// numbers the text report prints; a report that cannot be written is refused before any work.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_support.hpp"

namespace fs = std::filesystem;
// Ordered, so that the test sees the keys in the file's order.
using json = nlohmann::ordered_json;
using sf_test::run_to_end;

namespace {

const std::string example = "balanced_network/LEMS_balanced_network.xml";

std::string example_model() {
    const fs::path model = fs::path(SF_EXAMPLES_DIR) / example;
    REQUIRE(fs::exists(model));
    return model.string();
}

// Runs spikeforge; the test fails with its output when the exit status is not `expected`.
std::string spikeforge(const std::vector<std::string>& arguments, int expected = 0) {
    const auto [status, output] = run_to_end(SPIKEFORGE_BINARY, arguments, 300);
    INFO(output);
    REQUIRE(status == expected);
    return output;
}

json read_json(const fs::path& file) {
    const json report = json::parse(sf_test::read_file(file));
    REQUIRE(report.is_object());
    return report;
}

// The `wrote FILE` lines of a command's output, in order.
std::vector<std::string> wrote_lines(const std::string& output) {
    std::vector<std::string> files;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("wrote ", 0) == 0) {
            files.push_back(line.substr(6));
        }
    }
    return files;
}

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + (n == 1 ? one : many);
}

} // namespace

TEST_CASE("reports: map --report holds the mapping the text report prints", "[cli][report][map]") {
    sf_test::scratch work("sf_test_report");
    const fs::path image = work / "net.sfimg";
    const fs::path report_file = work / "map.json";
    const std::string text = spikeforge(
        {"map", example_model(), "-o", image.string(), "--report", report_file.string()});
    INFO(text);
    const json r = read_json(report_file);
    CHECK(r["schema"] == "spikeforge-map-report/1");
    CHECK(r.begin().key() == "schema");
    const auto cores_used = r["cores_used"].get<std::size_t>();
    CHECK(cores_used > 0);
    CHECK_THAT(text, Catch::StartsWith("board " + r["board"].get<std::string>() + ": " +
                                       std::to_string(cores_used) + " of " +
                                       std::to_string(r["cores_available"].get<std::size_t>()) +
                                       " application cores on " +
                                       plural(r["chips_used"], " chip\n", " chips\n")));
    CHECK(r["cores"].size() == cores_used);
    std::size_t cores_on_chips = 0;
    for (const json& chip : r["chips"]) {
        cores_on_chips += chip["cores_used"].get<std::size_t>();
        CHECK(chip["routing_entries"] <= chip["routing_capacity"]);
    }
    CHECK(cores_on_chips == cores_used);
    CHECK_THAT(text,
               Catch::Contains(
                   "  all chips: " + std::to_string(r["routing"]["entries_before"].get<int>()) +
                   " -> " + std::to_string(r["routing"]["entries"].get<int>()) + " entries\n"));
    // The example's two populations, each one compiled group.
    REQUIRE(r["populations"].size() == 2);
    std::size_t cores_of_populations = 0;
    for (const json& p : r["populations"]) {
        // The example's populations each fill one core.
        CHECK(p["bound_by"] == "neurons per core");
        CHECK(p["cores"].size() == 1);
        CHECK_THAT(text, Catch::Contains("  " + p["mapped_label"].get<std::string>() + ": " +
                                         std::to_string(p["neurons"].get<int>()) +
                                         " neurons on 1 core (up to " +
                                         std::to_string(p["neurons_per_core"].get<int>()) +
                                         " a core: neurons per core)\n"));
        CHECK_THAT(
            text, Catch::Contains("  " + p["label"].get<std::string>() + " (" +
                                  p["component"].get<std::string>() + "): " +
                                  std::to_string(p["instructions"].get<int>()) + " instructions, " +
                                  std::to_string(p["state_words"].get<int>()) + " state words, " +
                                  std::to_string(p["table_words"].get<int>()) + " table words, " +
                                  std::to_string(p["warnings"].size()) + " warnings\n"));
        CHECK_FALSE(p["cores"].empty());
        cores_of_populations += p["cores"].size();
        CHECK_FALSE(p["variables"].empty());
    }
    CHECK(cores_of_populations == cores_used);
    CHECK(r["image"]["file"] == image.string());
    CHECK(r["image"]["bytes"] == fs::file_size(image));
}

TEST_CASE("reports: run --report holds the counters and files the text report prints",
          "[cli][report][run]") {
    sf_test::scratch work("sf_test_report");
    const fs::path image = sf_test::map_example(work, example, "net.sfimg");
    const fs::path out = work / "out";
    const fs::path report_file = work / "run.json";
    const std::string text =
        spikeforge({"run", image.string(), "-o", out.string(), "--report", report_file.string()});
    INFO(text);
    const json r = read_json(report_file);
    CHECK(r["schema"] == "spikeforge-run-report/1");
    CHECK(r["target"] == "functional");
    const json& cores = r["neuron_cores"];
    CHECK(cores["spikes"].get<std::uint64_t>() > 0);
    CHECK_THAT(
        text, Catch::StartsWith("ran " + image.string() + " on the functional emulator: " +
                                std::to_string(r["steps"].get<std::uint64_t>()) + " steps, " +
                                std::to_string(r["cores"].get<std::size_t>()) + " cores on " +
                                std::to_string(r["chips"].get<std::size_t>()) + " chips, " +
                                std::to_string(cores["spikes"].get<std::uint64_t>()) + " spikes, " +
                                std::to_string(cores["synaptic_events"].get<std::uint64_t>()) +
                                " synaptic events, "));
    CHECK_THAT(
        text, Catch::Contains("cores: saturated results " +
                              std::to_string(cores["saturations"].get<std::uint64_t>()) +
                              ", input overflows " +
                              std::to_string(cores["input_overflows"].get<std::uint64_t>()) +
                              ", dropped synaptic words " +
                              std::to_string(cores["dropped_synaptic_words"].get<std::uint64_t>()) +
                              ", program faults 0\n"));
    CHECK(r["routers"]["dropped"] == 0);
    CHECK(r["first_fault"].is_null());
    CHECK(r["timing"].is_null());
    CHECK(r["files_written"].get<std::vector<std::string>>() == wrote_lines(text));
    CHECK_FALSE(r["files_written"].empty());
}

TEST_CASE("reports: run --report on the timed board model adds its timing",
          "[cli][report][run][systemc]") {
    sf_test::scratch work("sf_test_report");
    const fs::path image = sf_test::map_example(work, example, "net.sfimg");
    const fs::path report_file = work / "run.json";
    const std::string text =
        spikeforge({"run", image.string(), "--target", "systemc", "-o", (work / "out").string(),
                    "--real-time-check", "--report", report_file.string()});
    INFO(text);
    const json r = read_json(report_file);
    CHECK(r["target"] == "systemc");
    REQUIRE(r["timing"].is_object());
    CHECK(r["timing"]["cores"].size() == r["cores"]);
    CHECK_THAT(text, Catch::Contains(r["timing"]["real_time_verdict"].get<std::string>()));
    CHECK_THAT(text, Catch::Contains(" " + std::to_string(r["neuron_cores"]["spikes"].get<int>()) +
                                     " spikes, "));
}

TEST_CASE("reports: compile --report holds each population's program and quantisation",
          "[cli][report][compile]") {
    sf_test::scratch work("sf_test_report");
    const fs::path report_file = work / "compile.json";
    const fs::path asm_dir = work / "asm";
    const std::string text = spikeforge(
        {"compile", example_model(), "--asm", asm_dir.string(), "--report", report_file.string()});
    INFO(text);
    const json r = read_json(report_file);
    CHECK(r["schema"] == "spikeforge-compile-report/1");
    CHECK_THAT(text, Catch::StartsWith("board " + r["board"].get<std::string>() + ", "));
    REQUIRE(r["programs"].size() == 2);
    REQUIRE(r["populations"].size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
        const json& program = r["programs"][k];
        const json& population = r["populations"][k];
        CHECK(program["population"] == population["label"]);
        CHECK(program["instructions"] == population["instructions"]);
        CHECK(program["state_words"] == population["state_words"]);
        CHECK_THAT(text, Catch::Contains("== " + population["label"].get<std::string>() + " (" +
                                         population["component"].get<std::string>() +
                                         "): " + std::to_string(population["neurons"].get<int>()) +
                                         " neurons"));
        CHECK(fs::is_regular_file(program["assembly_file"].get<std::string>()));
    }
    CHECK(wrote_lines(text).size() == 2);
}

TEST_CASE("reports: a report that cannot be written is refused before any work",
          "[cli][report][errors]") {
    sf_test::scratch work("sf_test_report");
    const std::string model = example_model();
    const fs::path image = work / "net.sfimg";
    const std::string missing = (work / "no_such_folder" / "r.json").string();
    SECTION("map") {
        const std::string text =
            spikeforge({"map", model, "-o", image.string(), "--report", missing}, 2);
        CHECK_THAT(text, Catch::Contains("spikeforge map: cannot write the report " + missing));
        CHECK_FALSE(fs::exists(image));
    }
    SECTION("map to a folder") {
        const std::string text =
            spikeforge({"map", model, "-o", image.string(), "--report", work.path().string()}, 2);
        CHECK_THAT(text, Catch::Contains("it is a folder"));
        CHECK_FALSE(fs::exists(image));
    }
    SECTION("run") {
        const fs::path out = work / "out";
        const std::string text =
            spikeforge({"run", model, "-o", out.string(), "--report", missing}, 2);
        CHECK_THAT(text, Catch::Contains("spikeforge run: cannot write the report " + missing));
        CHECK_FALSE(fs::exists(out));
    }
    SECTION("compile") {
        const std::string text = spikeforge({"compile", model, "--report", missing}, 2);
        CHECK_THAT(text, Catch::Contains("spikeforge compile: cannot write the report " + missing));
        CHECK_THAT(text, !Catch::Contains("instructions"));
    }
    CHECK_FALSE(fs::exists(work / "no_such_folder"));
    std::vector<fs::path> left;
    for (const auto& entry : fs::directory_iterator(work.path())) {
        left.push_back(entry.path());
    }
    CHECK(left.empty());
}

TEST_CASE("reports: a command that fails writes no report", "[cli][report][errors]") {
    sf_test::scratch work("sf_test_report");
    const fs::path report_file = work / "r.json";
    SECTION("map onto an unknown board") {
        const std::string text =
            spikeforge({"map", example_model(), "--board", "nonsense", "-o",
                        (work / "net.sfimg").string(), "--report", report_file.string()},
                       2);
        CHECK_THAT(text, Catch::Contains("nonsense"));
    }
    SECTION("run of a damaged image") {
        const fs::path image = sf_test::map_example(work, example, "net.sfimg");
        fs::resize_file(image, fs::file_size(image) - 8);
        spikeforge({"run", image.string(), "-o", (work / "out").string(), "--report",
                    report_file.string()},
                   2);
    }
    SECTION("run with --url") {
        const std::string text = spikeforge(
            {"run", example_model(), "--url", "emu://functional", "--report", report_file.string()},
            2);
        CHECK_THAT(text, Catch::Contains("--report writes the counters of a run in this process"));
    }
    SECTION("run listing the signals") {
        const std::string text =
            spikeforge({"run", example_model(), "--target", "systemc", "--trace-signals", "list",
                        "--report", report_file.string()},
                       2);
        CHECK_THAT(text, Catch::Contains("does not go with --report"));
    }
    SECTION("compile onto an unknown board") {
        spikeforge(
            {"compile", example_model(), "--board", "nonsense", "--report", report_file.string()},
            2);
    }
    CHECK_FALSE(fs::exists(report_file));
}
