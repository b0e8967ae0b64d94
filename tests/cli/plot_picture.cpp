#include <cstdint>
#include <set>

#include <cairo.h>
#include <catch2/catch.hpp>

#include "plot_picture.hpp"

namespace sf_test {

png_facts read_png(const std::filesystem::path& file) {
    cairo_surface_t* surface = cairo_image_surface_create_from_png(file.c_str());
    INFO(file.string());
    REQUIRE(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS);
    png_facts facts;
    facts.width = cairo_image_surface_get_width(surface);
    facts.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    std::set<std::uint32_t> colours;
    for (int y = 0; y < facts.height; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
        for (int x = 0; x < facts.width; ++x) {
            colours.insert(row[x]);
            facts.inked += row[x] != 0xffffffffu ? 1 : 0;
        }
    }
    facts.colours = colours.size();
    cairo_surface_destroy(surface);
    return facts;
}

} // namespace sf_test
