// validate and simulate on a network with a defect: exit status 2, a message that names the file,
// the line, the chain of elements holding the defect and what was expected, and nothing written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "run_support.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path balanced = fs::path(SF_EXAMPLES_DIR) / "balanced_network/LEMS_balanced_network.xml";

// The example with its first `from` replaced by `to`; fails when `from` is not in it.
std::string balanced_with(const std::string& from, const std::string& to) {
    std::string text = sf_test::read_file(balanced);
    const auto at = text.find(from);
    INFO(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

int line_of(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

struct defect {
    std::string from;
    std::string to;
    std::string reported_at; // text on the line the message names
    std::string message;     // what follows "file:line: "
};

} // namespace

TEST_CASE("cli: validate and simulate name the chain of elements holding a network defect",
          "[cli][validate][simulate]") {
    defect d;
    // Each run takes one of these; validate and simulate are both run on it.
    SECTION("a connection's cell index out of range") {
        d = {"postCellId=\"../exc[4]\"", "postCellId=\"../exc[44]\"", "postCellId=\"../exc[44]\"",
             "network net > projection excToExc > connectionWD 1: postCellId \"../exc[44]\": cell "
             "44 is out of range: population exc (component excCell) has 40 cells, 0..39"};
    }
    SECTION("a projection's postsynapticPopulation naming no population") {
        d = {"postsynapticPopulation=\"exc\"", "postsynapticPopulation=\"exd\"",
             "<projection id=\"excToExc\"",
             "network net > projection excToExc: postsynapticPopulation=\"exd\" names no "
             "population of network net (it has exc, inh)"};
    }
    SECTION("an element left open") {
        d = {"size=\"40\"/>", "size=\"40\">", "<population id=\"exc\"",
             "malformed XML: <population> opened here is never closed (the parser found "
             "</network> at line "};
    }
    sf_test::scratch work("sf_test_network_errors");
    const std::string text = balanced_with(d.from, d.to);
    const fs::path model = work / "model.xml";
    sf_test::write_text(model, text);
    const std::string where =
        model.string() + ":" + std::to_string(line_of(text, d.reported_at)) + ": " + d.message;
    {
        const auto [status, output] =
            sf_test::run_to_end(SPIKEFORGE_BINARY, {"validate", model.string()});
        INFO(output);
        CHECK(status == 2);
        CHECK_THAT(output, Catch::Contains(where));
    }
    const fs::path out = work / "out";
    fs::create_directories(out);
    const auto [status, output] =
        sf_test::run_to_end(SPIKEFORGE_BINARY, {"simulate", model.string(), "-o", out.string()});
    INFO(output);
    CHECK(status == 2);
    CHECK_THAT(output, Catch::Contains(where));
    CHECK(sf_test::outputs_in(out).empty());
}
