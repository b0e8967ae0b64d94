#pragma once

#include <string>
#include <vector>

#include <cairo.h>

// A plot area with its data ranges: where a value lands on the page, and the frame, ticks,
// labels, title and legend drawn around it.
namespace sf::plot::detail {

struct colour {
    double red = 0;
    double green = 0;
    double blue = 0;
};

// Distinct colours for runs and columns, repeating after a while.
colour palette(std::size_t index);

struct range {
    double low = 0;
    double high = 1;
};

// A range with room: never empty, so that a single value still gets an axis.
range widened(range r);

struct axes {
    double left = 0; // the plot area on the page, in points
    double top = 0;
    double width = 0;
    double height = 0;
    range x;
    range y;

    double page_x(double value) const { return left + (value - x.low) / (x.high - x.low) * width; }
    double page_y(double value) const {
        return top + height - (value - y.low) / (y.high - y.low) * height;
    }
};

// The plot area of a page of this size, with room for the title, labels and ticks.
axes axes_on_page(double page_width, double page_height, range x, range y);

struct labels {
    std::string title;
    std::string x;
    std::string y;
    // Row names for the y axis (row r at y = r); empty: numeric ticks.
    std::vector<std::string> rows;
};

// The frame, the ticks with their values (or row names) and the labels.
void draw_frame(cairo_t* cr, const axes& a, const labels& text);

struct legend_entry {
    std::string label;
    colour shade;
    bool dashed = false;
};

// A box of entries in the plot area's top-right corner.
void draw_legend(cairo_t* cr, const axes& a, const std::vector<legend_entry>& entries);

// Text with its left end (align 0), centre (0.5) or right end (1) at x, its middle at y.
void draw_text(cairo_t* cr, double x, double y, const std::string& text, double align, double size);

} // namespace sf::plot::detail
