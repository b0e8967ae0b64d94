// Every way `spikeforge plot` refuses its input: exit status 2, a message naming the file (and
// line) or option and what was expected, and no picture (or temporary) left behind.
#include <catch2/catch.hpp>

#include "run_support.hpp"

namespace {

namespace fs = std::filesystem;
using sf_test::run_to_end;
using sf_test::scratch;
using sf_test::write_text;

// Runs `spikeforge plot ...` writing `out`, and requires the refusal `expected` with nothing
// written.
void refused(const std::vector<std::string>& arguments, const fs::path& out,
             const std::string& expected) {
    std::vector<std::string> all{"plot"};
    all.insert(all.end(), arguments.begin(), arguments.end());
    all.insert(all.end(), {"-o", out.string()});
    const auto [status, output] = run_to_end(SPIKEFORGE_BINARY, all);
    INFO(output);
    CHECK(status == 2);
    CHECK(output.find(expected) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out.string() + ".partial"));
}

} // namespace

TEST_CASE("plot refuses an output that is neither .png nor .svg", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "a.spikes", "0.001\t0\n");
    refused({"raster", (work / "a.spikes").string()}, work / "a.jpg",
            "a.jpg: cannot tell the picture's format from '.jpg' (expected an output ending in "
            ".png or .svg)");
    refused({"raster", (work / "a.spikes").string()}, work / "a",
            "(expected an output ending in .png or .svg)");
}

TEST_CASE("plot refuses missing input files", "[cli][plot]") {
    scratch work("sf_test_plot");
    for (const char* figure : {"raster", "traces", "board"}) {
        refused({figure, (work / "missing.in").string()}, work / "out.png",
                "cannot read " + (work / "missing.in").string());
    }
    write_text(work / "a.spikes", "0.001\t0\n");
    refused({"overlay", (work / "a.spikes").string(), (work / "missing.spikes").string()},
            work / "out.png", "cannot read " + (work / "missing.spikes").string());
}

TEST_CASE("plot names the line of a malformed spike file", "[cli][plot]") {
    scratch work("sf_test_plot");
    const fs::path spikes = work / "bad.spikes";
    write_text(spikes, "0.001\t0\n\n0.002\t1\textra\n");
    refused({"raster", spikes.string()}, work / "out.png",
            spikes.string() + ":3: 3 fields where a spike line has two");
    write_text(spikes, "0.001\t0\n0.002\t1\nsoon\t2\n");
    refused({"raster", spikes.string()}, work / "out.png",
            spikes.string() + ":3: 'soon' is not a time in seconds (first field, as on line 1)");
    write_text(spikes, "0\t0.001\n1\tlater\n");
    refused({"raster", spikes.string()}, work / "out.png",
            spikes.string() + ":2: 'later' is not a time in seconds (second field");
    write_text(spikes, "a\tb\n");
    refused({"raster", spikes.string()}, work / "out.png",
            spikes.string() + ":1: 'a' is not a time in seconds");
}

TEST_CASE("plot names the line of a malformed trace file", "[cli][plot]") {
    scratch work("sf_test_plot");
    const fs::path dat = work / "bad.dat";
    write_text(dat, "0.0\t1.0\t2.0\n1.0E-4\t1.5\n");
    refused({"traces", dat.string()}, work / "out.png",
            dat.string() + ":2: 2 fields where line 1 has 3");
    write_text(dat, "0.0\t1.0\n1.0E-4\tnan\n");
    refused({"traces", dat.string()}, work / "out.png",
            dat.string() + ":2: field 2 'nan' is not a number");
    write_text(dat, "0.0\n");
    refused({"traces", dat.string()}, work / "out.png",
            dat.string() + ":1: one field where a sample has the time and at least one value");
    write_text(dat, "\n\n");
    refused({"traces", dat.string()}, work / "out.png", dat.string() + ": no samples");
}

TEST_CASE("plot refuses columns and windows that are not there", "[cli][plot]") {
    scratch work("sf_test_plot");
    const fs::path dat = work / "v.dat";
    write_text(dat, "0.0\t1.0\t2.0\n1.0E-4\t1.5\t2.5\n");
    refused({"traces", dat.string(), "--columns", "1,3"}, work / "out.png",
            "--columns 3: " + dat.string() + " has 2 columns after the time (expected 1 to 2)");
    refused({"traces", dat.string(), "--columns", "1,x"}, work / "out.png",
            "--columns 1,x: 'x' is not a column number");
    refused({"traces", dat.string(), "--columns", "0"}, work / "out.png",
            "--columns 0: '0' is not a column number");
    refused({"traces", dat.string(), "--from", "5", "--to", "1"}, work / "out.png",
            "must be before --to");
}

TEST_CASE("plot overlay refuses files of two kinds", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "a.spikes", "0.001\t0\n");
    write_text(work / "b.dat", "0.0\t1.0\n");
    refused({"overlay", (work / "a.spikes").string(), (work / "b.dat").string()}, work / "out.png",
            "are not the same kind (expected two .dat trace files or two spike "
            "files)");
}

TEST_CASE("plot overlay refuses columns for spike files", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "a.spikes", "0.001\t0\n");
    write_text(work / "b.spikes", "0.002\t0\n");
    refused(
        {"overlay", (work / "a.spikes").string(), (work / "b.spikes").string(), "--columns", "1"},
        work / "out.png", "--columns 1 chooses columns of .dat trace files: spike files have none");
}

TEST_CASE("plot board asks for the board an image names when it is not found", "[cli][plot]") {
    scratch work("sf_test_plot");
    const fs::path board = work / "custom.xml";
    std::string text = sf_test::read_file(fs::path(SF_EXAMPLES_DIR) / "../boards/spinn5.xml");
    const std::size_t name = text.find("name=\"spinn5\"");
    REQUIRE(name != std::string::npos);
    text.replace(name, 13, "name=\"custom\"");
    write_text(board, text);
    const fs::path model = fs::path(SF_EXAMPLES_DIR) / "balanced_network/LEMS_balanced_network.xml";
    const fs::path image = work / "net.sfimg";
    const auto [status, output] =
        run_to_end(SPIKEFORGE_BINARY,
                   {"map", model.string(), "--board", board.string(), "-o", image.string()});
    INFO(output);
    REQUIRE(status == 0);
    refused({"board", image.string()}, work / "out.png",
            image.string() + ": mapped for board 'custom', which is not found here (give its "
                             "description with --board FILE)");
    const auto [drawn, said] =
        run_to_end(SPIKEFORGE_BINARY, {"plot", "board", image.string(), "--board", board.string(),
                                       "-o", (work / "out.png").string()});
    INFO(said);
    CHECK(drawn == 0);
    CHECK(fs::exists(work / "out.png"));
}

TEST_CASE("plot board refuses a bad image or an unknown board", "[cli][plot]") {
    scratch work("sf_test_plot");
    const fs::path image = work / "net.sfimg";
    write_text(image, std::string(64, '\x01'));
    refused({"board", image.string()}, work / "out.png", image.string() + ": word 0, section 0");
    write_text(image, "abc");
    refused({"board", image.string()}, work / "out.png", image.string());
    const fs::path good =
        sf_test::map_example(work, "balanced_network/LEMS_balanced_network.xml", "good.sfimg");
    refused({"board", good.string(), "--board", "no_such_board"}, work / "out.png",
            "no_such_board");
    refused({"board", good.string(), "--board",
             (fs::path(SF_EXAMPLES_DIR) / "../boards/tiny.xml").string()},
            work / "out.png",
            "which board tiny does not have (give the board it was mapped for "
            "with --board)");
}

TEST_CASE("plot refuses to draw over its own input", "[cli][plot]") {
    scratch work("sf_test_plot");
    // A spike file named like a picture: without -o the picture would take its place.
    const fs::path input = work / "s.png";
    write_text(input, "0.001\t0\n");
    const auto [status, output] = run_to_end(SPIKEFORGE_BINARY, {"plot", "raster", input.string()});
    INFO(output);
    CHECK(status == 2);
    CHECK(output.find(input.string() + ": the picture would replace its own input (give -o)") !=
          std::string::npos);
    CHECK(sf_test::read_file(input) == "0.001\t0\n");
    CHECK_FALSE(fs::exists(input.string() + ".partial"));
}
