// `spikeforge plot` draws every figure from files the tests write, and the board picture from the
// bundled example's image; the pictures are read back and must hold a drawing.
#include <catch2/catch.hpp>

#include "plot_picture.hpp"
#include "run_support.hpp"

namespace {

namespace fs = std::filesystem;
using sf_test::read_png;
using sf_test::run_to_end;
using sf_test::scratch;
using sf_test::write_text;

// Runs `spikeforge plot ...` and requires success.
void plot(const std::vector<std::string>& arguments) {
    std::vector<std::string> all{"plot"};
    all.insert(all.end(), arguments.begin(), arguments.end());
    const auto [status, output] = run_to_end(SPIKEFORGE_BINARY, all);
    INFO(output);
    REQUIRE(status == 0);
}

void require_drawing(const fs::path& png, int width, int height) {
    const sf_test::png_facts facts = read_png(png);
    CHECK(facts.width == width);
    CHECK(facts.height == height);
    CHECK(facts.colours > 2);
    CHECK(facts.inked > 1000);
}

const std::string spikes_a = "0.001\t0\n0.0025\t3\n0.004\t1\n0.0105\t2\n";
const std::string spikes_b = "0\t0.0012\n3\t0.0031\n2\t0.0098\n";
const std::string traces_a = "0.0\t-0.065\t1.0\t2.0\n1.0E-4\t-0.064\t1.5\t2.5\n"
                             "2.0E-4\t-0.060\t1.2\t3.0\n3.0E-4\t-0.055\t0.5\t2.0\n";
const std::string traces_b = "0.0\t-0.066\t1.1\t2.0\n1.0E-4\t-0.063\t1.4\t2.4\n"
                             "2.0E-4\t-0.058\t1.1\t3.2\n3.0E-4\t-0.050\t0.4\t2.1\n";

} // namespace

TEST_CASE("plot raster draws a spike file as PNG and SVG", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "a.spikes", spikes_a);
    plot({"raster", (work / "a.spikes").string(), "-o", (work / "a.png").string()});
    require_drawing(work / "a.png", 1000, 600);
    plot({"raster", (work / "a.spikes").string(), "-o", (work / "a.svg").string(), "--from", "2",
          "--to", "8"});
    CHECK(sf_test::read_file(work / "a.svg").rfind("<?xml", 0) == 0);
    // Without -o the picture goes beside the input.
    plot({"raster", (work / "a.spikes").string()});
    require_drawing(work / "a.png", 1000, 600);
}

TEST_CASE("plot raster reads id-first spike files", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "b.spikes", spikes_b);
    plot({"raster", (work / "b.spikes").string(), "-o", (work / "b.png").string()});
    require_drawing(work / "b.png", 1000, 600);
}

TEST_CASE("plot traces draws chosen columns of a .dat file", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "v.dat", traces_a);
    plot(
        {"traces", (work / "v.dat").string(), "--columns", "1,3", "-o", (work / "v.png").string()});
    require_drawing(work / "v.png", 1000, 600);
    plot({"traces", (work / "v.dat").string(), "-o", (work / "v.svg").string()});
    CHECK(sf_test::read_file(work / "v.svg").rfind("<?xml", 0) == 0);
}

TEST_CASE("plot overlay draws two spike files or two trace files together", "[cli][plot]") {
    scratch work("sf_test_plot");
    write_text(work / "a.spikes", spikes_a);
    write_text(work / "b.spikes", spikes_b);
    write_text(work / "a.dat", traces_a);
    write_text(work / "b.dat", traces_b);
    plot({"overlay", (work / "a.spikes").string(), (work / "b.spikes").string(), "-o",
          (work / "spikes.png").string()});
    require_drawing(work / "spikes.png", 1000, 600);
    plot({"overlay", (work / "a.dat").string(), (work / "b.dat").string(), "--columns", "2", "-o",
          (work / "traces.png").string()});
    require_drawing(work / "traces.png", 1000, 600);
}

TEST_CASE("plot board draws the bundled example's image on its board", "[cli][plot]") {
    scratch work("sf_test_plot");
    const fs::path image =
        sf_test::map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    plot({"board", image.string(), "-o", (work / "board.png").string()});
    // spinn5: 8 x 8 chips of 95 points, with the margins and the key beside them.
    require_drawing(work / "board.png", 40 + 8 * 95 + 250, 60 + 8 * 95 + 40);
    plot({"board", image.string(), "--board", "spinn5", "-o", (work / "board.svg").string()});
    CHECK(sf_test::read_file(work / "board.svg").rfind("<?xml", 0) == 0);
}
