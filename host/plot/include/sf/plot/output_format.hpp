#pragma once

#include <filesystem>

namespace sf::plot {

enum class image_format { png, svg };

// The format an output file's extension names (.png or .svg, in any case); plot_error naming the
// file and the extensions accepted for anything else.
image_format format_of(const std::filesystem::path& out);

} // namespace sf::plot
