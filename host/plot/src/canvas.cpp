#include <cstdlib>

#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>

#include <sf/lems/error.hpp>

#include "canvas.hpp"

namespace sf::plot::detail {
namespace fs = std::filesystem;

namespace {

// cairo and fontconfig keep the fonts they load until the process ends; handing them back at exit
// lets leak checkers (the sanitizer build's) tell real leaks from these caches. No canvas is alive
// then: each lives only while its figure is drawn.
void release_font_caches() {
    cairo_debug_reset_static_data();
    FcFini();
}

void release_font_caches_at_exit() {
    static const bool registered = std::atexit(release_font_caches) == 0;
    static_cast<void>(registered);
}

} // namespace

canvas::canvas(const fs::path& out, int width, int height)
    : out_(out), partial_(out.string() + ".partial"), format_(format_of(out)), width_(width),
      height_(height) {
    release_font_caches_at_exit();
    surface_ = format_ == image_format::png
                   ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)
                   : cairo_svg_surface_create(partial_.c_str(), width, height);
    context_ = cairo_create(surface_);
    if (cairo_status(context_) != CAIRO_STATUS_SUCCESS) {
        const std::string reason = cairo_status_to_string(cairo_status(context_));
        discard();
        throw sf::error("cannot write " + out_.string() + ": " + reason);
    }
    // A white page: PNG would otherwise be transparent.
    cairo_set_source_rgb(context_, 1, 1, 1);
    cairo_paint(context_);
}

canvas::~canvas() { discard(); }

void canvas::discard() {
    if (context_ != nullptr) {
        cairo_destroy(context_);
        context_ = nullptr;
    }
    if (surface_ != nullptr) {
        cairo_surface_destroy(surface_);
        surface_ = nullptr;
    }
    std::error_code ignored;
    fs::remove(partial_, ignored);
}

void canvas::finish() {
    cairo_status_t status = cairo_status(context_);
    if (status == CAIRO_STATUS_SUCCESS && format_ == image_format::png) {
        status = cairo_surface_write_to_png(surface_, partial_.c_str());
    }
    cairo_destroy(context_);
    context_ = nullptr;
    cairo_surface_finish(surface_);
    if (status == CAIRO_STATUS_SUCCESS) {
        status = cairo_surface_status(surface_);
    }
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    std::error_code ec;
    if (status == CAIRO_STATUS_SUCCESS) {
        fs::rename(partial_, out_, ec);
    }
    if (status != CAIRO_STATUS_SUCCESS || ec) {
        const std::string reason =
            status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(status) : ec.message();
        discard();
        throw sf::error("cannot write " + out_.string() + ": " + reason);
    }
}

} // namespace sf::plot::detail
