#pragma once

#include <filesystem>

#include <cairo.h>

#include <sf/plot/output_format.hpp>

// A cairo surface drawn into a temporary file beside the output and renamed into place by
// finish(); dropped unfinished, it leaves nothing behind.
namespace sf::plot::detail {

class canvas {
public:
    // plot_error when the output's extension names no format.
    canvas(const std::filesystem::path& out, int width, int height);
    ~canvas();
    canvas(const canvas&) = delete;
    canvas& operator=(const canvas&) = delete;

    cairo_t* context() const { return context_; }
    int width() const { return width_; }
    int height() const { return height_; }

    // Writes the picture and renames it into place; sf::error when it cannot be written.
    void finish();

private:
    void discard();

    std::filesystem::path out_;
    std::filesystem::path partial_;
    image_format format_;
    int width_;
    int height_;
    cairo_surface_t* surface_ = nullptr;
    cairo_t* context_ = nullptr;
};

} // namespace sf::plot::detail
