#include <algorithm>
#include <cctype>
#include <string>

#include <sf/plot/output_format.hpp>
#include <sf/plot/plot_error.hpp>

namespace sf::plot {

image_format format_of(const std::filesystem::path& out) {
    std::string extension = out.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".png") {
        return image_format::png;
    }
    if (extension == ".svg") {
        return image_format::svg;
    }
    throw plot_error(out.string() + ": cannot tell the picture's format from '" +
                     out.extension().string() + "' (expected an output ending in .png or .svg)");
}

} // namespace sf::plot
