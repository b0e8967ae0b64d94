#pragma once

#include <filesystem>
#include <string>

// A picture `spikeforge plot` wrote, read back: a PNG through cairo, an SVG as text.
namespace sf_test {

struct png_facts {
    int width = 0;
    int height = 0;
    std::size_t colours = 0; // distinct pixel values
    std::size_t inked = 0;   // pixels that are not the white page
};

// The test fails when the file is not a PNG cairo can read.
png_facts read_png(const std::filesystem::path& file);

} // namespace sf_test
