#include <algorithm>
#include <cmath>
#include <cstdio>

#include <sf/mapper/board_geometry.hpp>
#include <sf/plot/figures.hpp>

#include "axes.hpp"
#include "canvas.hpp"

namespace sf::plot {
namespace {

constexpr double margin = 40;
constexpr double title_room = 60;
constexpr double key_room = 250;
const detail::colour idle{0.93, 0.95, 0.98};
const detail::colour busy{0.05, 0.25, 0.55};
const detail::colour traffic{0.84, 0.37, 0.0};

// Where chips sit on the page: column x, row y counted upwards, `cell` points apart.
struct layout {
    double cell = 0;
    double left = margin;
    double top = title_room;
    int rows = 0;

    double centre_x(int x) const { return left + (x + 0.5) * cell; }
    double centre_y(int y) const { return top + (rows - 1 - y + 0.5) * cell; }
};

layout layout_of(const mapper::grid_shape& grid) {
    const int side = std::max({grid.width, grid.height, 1});
    layout l;
    l.cell = std::clamp(std::floor(760.0 / side), 16.0, 96.0);
    l.rows = std::max(grid.height, 1);
    return l;
}

detail::colour shade(double fill) {
    const double f = std::clamp(fill, 0.0, 1.0);
    return {idle.red + (busy.red - idle.red) * f, idle.green + (busy.green - idle.green) * f,
            idle.blue + (busy.blue - idle.blue) * f};
}

double fill_of(const chip_usage& chip) {
    return chip.application_cores > 0
               ? static_cast<double>(chip.cores_used) / chip.application_cores
               : 0.0;
}

double heaviest(const board_usage& usage) {
    double most = 0;
    for (const auto& l : usage.links) {
        most = std::max(most, l.keys);
    }
    return most;
}

// Each direction of a wire is half a line, from its chip towards the neighbour, set to one side
// so that the two directions of a wire stay apart.
void draw_links(cairo_t* cr, const layout& at, const board_usage& usage) {
    const double most = heaviest(usage);
    for (const link_usage& l : usage.links) {
        const mapper::chip_coordinates d = mapper::offset(l.heading);
        const double length = std::hypot(d.x, d.y);
        const double ux = d.x / length;
        const double uy = -d.y / length; // the page's y grows downwards
        const double side = 0.07 * at.cell;
        const double x0 = at.centre_x(l.from.x) - uy * side;
        const double y0 = at.centre_y(l.from.y) + ux * side;
        cairo_move_to(cr, x0 + ux * 0.3 * at.cell, y0 + uy * 0.3 * at.cell);
        cairo_line_to(cr, x0 + d.x * 0.5 * at.cell, y0 - d.y * 0.5 * at.cell);
        const double dashes[] = {3, 3};
        cairo_set_dash(cr, dashes, l.available ? 0 : 2, 0);
        if (!l.available) {
            cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
            cairo_set_line_width(cr, 1);
        } else if (l.keys > 0) {
            cairo_set_source_rgb(cr, traffic.red, traffic.green, traffic.blue);
            cairo_set_line_width(cr, 1 + 9 * l.keys / most);
        } else {
            cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
            cairo_set_line_width(cr, 0.6);
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
    }
}

std::string fraction(int part, int whole) {
    return std::to_string(part) + "/" + std::to_string(whole);
}

void draw_chips(cairo_t* cr, const layout& at, const board_usage& usage) {
    const double size = 0.6 * at.cell;
    const bool labelled = at.cell >= 56;
    for (const chip_usage& chip : usage.chips) {
        const double cx = at.centre_x(chip.where.x);
        const double cy = at.centre_y(chip.where.y);
        const detail::colour c = shade(fill_of(chip));
        cairo_set_source_rgb(cr, c.red, c.green, c.blue);
        cairo_rectangle(cr, cx - size / 2, cy - size / 2, size, size);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
        if (!labelled) {
            continue;
        }
        const double ink = fill_of(chip) > 0.5 ? 1.0 : 0.0;
        cairo_set_source_rgb(cr, ink, ink, ink);
        const double line = size / 4;
        detail::draw_text(cr, cx, cy - line,
                          std::to_string(chip.where.x) + "," + std::to_string(chip.where.y), 0.5,
                          9);
        detail::draw_text(cr, cx, cy, fraction(chip.cores_used, chip.application_cores) + " c", 0.5,
                          9);
        detail::draw_text(cr, cx, cy + line,
                          "rt " + (chip.entry_capacity > 0
                                       ? fraction(chip.entries, chip.entry_capacity)
                                       : std::to_string(chip.entries)),
                          0.5, 9);
    }
}

// What the shades, widths and labels mean, beside the grid.
void draw_key(cairo_t* cr, double left, double top, const board_usage& usage) {
    int most_cores = 1;
    for (const auto& chip : usage.chips) {
        most_cores = std::max(most_cores, chip.application_cores);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    detail::draw_text(cr, left, top, "cores used per chip", 0, 12);
    const int steps = std::min(most_cores, 4);
    for (int step = 0; step <= steps; ++step) {
        const detail::colour c = shade(static_cast<double>(step) / steps);
        const double y = top + 18 + step * 20;
        cairo_set_source_rgb(cr, c.red, c.green, c.blue);
        cairo_rectangle(cr, left, y, 16, 14);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        detail::draw_text(cr, left + 24, y + 7, std::to_string(most_cores * step / steps), 0, 11);
    }
    const double most = heaviest(usage);
    const double y = top + 130;
    detail::draw_text(cr, left, y, "link: neuron keys per step", 0, 12);
    detail::draw_text(cr, left, y + 16, "(every neuron firing once)", 0, 11);
    if (most == 0) {
        detail::draw_text(cr, left, y + 40, "none: no key leaves its chip", 0, 11);
    }
    for (int step = 1; step <= 2 && most > 0; ++step) {
        const double keys = most * step / 2;
        cairo_set_source_rgb(cr, traffic.red, traffic.green, traffic.blue);
        cairo_set_line_width(cr, 1 + 9 * keys / most);
        cairo_move_to(cr, left, y + 18 + step * 22);
        cairo_line_to(cr, left + 40, y + 18 + step * 22);
        cairo_stroke(cr);
        char text[32];
        std::snprintf(text, sizeof text, "%.4g", keys);
        cairo_set_source_rgb(cr, 0, 0, 0);
        detail::draw_text(cr, left + 48, y + 18 + step * 22, text, 0, 11);
    }
    detail::draw_text(cr, left, y + 90, "chip labels: x,y; cores used/cores;", 0, 11);
    detail::draw_text(cr, left, y + 106, "rt: routing entries/capacity", 0, 11);
}

std::string title_of(const board_usage& usage) {
    int cores = 0;
    int entries = 0;
    for (const auto& chip : usage.chips) {
        cores += chip.cores_used;
        entries += chip.entries;
    }
    return usage.image + " on board " + usage.board + ": " + std::to_string(cores) + " cores, " +
           std::to_string(entries) + " routing entries";
}

} // namespace

void draw_board(const board_usage& usage, const std::filesystem::path& out) {
    const layout at = layout_of(usage.grid);
    const double grid_width = at.cell * std::max(usage.grid.width, 1);
    const double grid_height = at.cell * at.rows;
    const double least_width = 700; // room for the title
    detail::canvas page(out,
                        static_cast<int>(std::max(margin + grid_width + key_room, least_width)),
                        static_cast<int>(title_room + grid_height + margin));
    cairo_t* cr = page.context();
    draw_links(cr, at, usage);
    draw_chips(cr, at, usage);
    draw_key(cr, margin + grid_width + 30, title_room + 10, usage);
    cairo_set_source_rgb(cr, 0, 0, 0);
    detail::draw_text(cr, margin, title_room / 2, title_of(usage), 0, 15);
    page.finish();
}

} // namespace sf::plot
