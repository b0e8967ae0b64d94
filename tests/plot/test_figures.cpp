// The figures drawn in the process, as the command line draws them: a picture of the expected
// size with something on it, and nothing left behind when the input is refused.
#include <fstream>
#include <iterator>

#include <cairo.h>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <sf/mapper/board_loader.hpp>
#include <sf/plot/figures.hpp>
#include <sf/plot/plot_error.hpp>

namespace {

namespace fs = std::filesystem;

// A fresh folder of this process (ctest runs test cases side by side), removed with everything
// in it at the end.
struct folder {
    fs::path path = fs::temp_directory_path() / ("sf_test_figures_" + std::to_string(getpid()));
    folder() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~folder() { fs::remove_all(path); }
};

// Width and height of a PNG, and whether any pixel differs from the first one.
struct png_size {
    int width = 0;
    int height = 0;
    bool drawn = false;
};

png_size size_of(const fs::path& png) {
    cairo_surface_t* surface = cairo_image_surface_create_from_png(png.c_str());
    REQUIRE(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS);
    png_size size{cairo_image_surface_get_width(surface), cairo_image_surface_get_height(surface)};
    const auto* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < size.height && !size.drawn; ++y) {
        for (int x = 0; x < size.width * 4 && !size.drawn; ++x) {
            size.drawn = data[y * stride + x] != data[x % 4];
        }
    }
    cairo_surface_destroy(surface);
    return size;
}

sf::plot::spike_record spikes(const std::string& name) {
    return sf::plot::parse_spikes("0.001\t0\n0.002\t2\n0.0035\t1\n", name);
}

sf::plot::trace_record traces(const std::string& name) {
    return sf::plot::parse_traces("0.0\t1\t2\n0.001\t2\t1\n0.002\t0\t3\n", name);
}

} // namespace

TEST_CASE("rasters and traces are drawn as PNG and SVG", "[plot]") {
    folder work;
    sf::plot::draw_raster({spikes("a"), spikes("b")}, {}, work.path / "r.png");
    const png_size raster = size_of(work.path / "r.png");
    CHECK(raster.width == 1000);
    CHECK(raster.height == 600);
    CHECK(raster.drawn);
    sf::plot::draw_traces({traces("a")}, {2}, {1.0, 2.0}, work.path / "t.svg");
    std::ifstream svg(work.path / "t.svg");
    const std::string text{std::istreambuf_iterator<char>(svg), {}};
    CHECK(text.rfind("<?xml", 0) == 0);
    CHECK_FALSE(fs::exists(work.path / "t.svg.partial"));
}

TEST_CASE("a board picture is drawn from its usage", "[plot]") {
    folder work;
    const sf::mapper::board tiny = sf::mapper::find_board("tiny");
    sf::plot::board_usage usage{"net.sfimg", "tiny", tiny.grid, {}, {}};
    usage.chips.push_back({{0, 0}, 2, 3, 10, 63});
    usage.chips.push_back({{1, 0}, 3, 3, 5, 63});
    usage.links.push_back({{0, 0}, sf::mapper::direction::east, 16, true});
    usage.links.push_back({{1, 0}, sf::mapper::direction::west, 0, true});
    usage.links.push_back({{1, 0}, sf::mapper::direction::north, 0, false});
    sf::plot::draw_board(usage, work.path / "b.png");
    const png_size board = size_of(work.path / "b.png");
    CHECK(board.width == 700);
    CHECK(board.height == 60 + 2 * 96 + 40);
    CHECK(board.drawn);
}

TEST_CASE("refused figures leave nothing behind", "[plot]") {
    folder work;
    CHECK_THROWS_WITH(sf::plot::draw_raster({spikes("a")}, {}, work.path / "r.gif"),
                      Catch::Contains("(expected an output ending in .png or .svg)"));
    CHECK_THROWS_AS(sf::plot::draw_traces({traces("a")}, {3}, {}, work.path / "t.png"),
                    sf::plot::plot_error);
    CHECK_THROWS_WITH(sf::plot::draw_raster({spikes("a")}, {5.0, 5.0}, work.path / "r.png"),
                      Catch::Contains("must be before --to"));
    CHECK(fs::is_empty(work.path));
    // An output folder that does not exist: the picture cannot be written.
    CHECK_THROWS_AS(sf::plot::draw_raster({spikes("a")}, {}, work.path / "no" / "r.png"),
                    sf::error);
    CHECK(fs::is_empty(work.path));
}
