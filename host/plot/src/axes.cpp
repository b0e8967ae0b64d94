#include <algorithm>
#include <cmath>
#include <cstdio>

#include "axes.hpp"

namespace sf::plot::detail {
namespace {

constexpr double tick_length = 5;
constexpr double label_size = 12;
constexpr double tick_size = 11;
constexpr double quarter_turn = 1.57079632679489661923; // radians

// A round step giving about `wanted` ticks over the range: 1, 2 or 5 times a power of ten.
double tick_step(range r, double wanted) {
    const double raw = (r.high - r.low) / wanted;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 5.0}) {
        if (raw <= factor * power) {
            return factor * power;
        }
    }
    return 10 * power;
}

// The multiples of step inside the range; none when the step is lost in the values' precision.
std::vector<double> tick_values(range r, double step) {
    std::vector<double> values;
    const double first = std::ceil(r.low / step) * step;
    for (int i = 0; i <= 50; ++i) {
        const double v = first + i * step;
        if (!(v <= r.high + step * 1e-9) || (i > 0 && v == values.back())) {
            break;
        }
        values.push_back(v);
    }
    return values;
}

std::string number_text(double value, double step) {
    char text[32];
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    const double shown = std::abs(value) < step * 1e-6 ? 0.0 : value;
    if (std::abs(shown) >= 1e7 || decimals > 6) {
        // Too long in fixed notation for a tick.
        std::snprintf(text, sizeof text, "%.6g", shown);
    } else {
        std::snprintf(text, sizeof text, "%.*f", decimals, shown);
    }
    return text;
}

void draw_x_ticks(cairo_t* cr, const axes& a) {
    const double step = tick_step(a.x, 8);
    for (const double v : tick_values(a.x, step)) {
        const double px = a.page_x(v);
        cairo_move_to(cr, px, a.top + a.height);
        cairo_line_to(cr, px, a.top + a.height + tick_length);
        draw_text(cr, px, a.top + a.height + tick_length + 9, number_text(v, step), 0.5, tick_size);
    }
    cairo_stroke(cr);
}

void draw_y_ticks(cairo_t* cr, const axes& a, const std::vector<std::string>& rows) {
    if (rows.empty()) {
        const double step = tick_step(a.y, 6);
        for (const double v : tick_values(a.y, step)) {
            const double py = a.page_y(v);
            cairo_move_to(cr, a.left - tick_length, py);
            cairo_line_to(cr, a.left, py);
            draw_text(cr, a.left - tick_length - 3, py, number_text(v, step), 1, tick_size);
        }
    } else {
        // At most about twenty named rows, evenly spread, so that names do not overlap.
        const std::size_t every = std::max<std::size_t>(1, (rows.size() + 19) / 20);
        for (std::size_t r = 0; r < rows.size(); r += every) {
            const double py = a.page_y(static_cast<double>(r));
            cairo_move_to(cr, a.left - tick_length, py);
            cairo_line_to(cr, a.left, py);
            draw_text(cr, a.left - tick_length - 3, py, rows[r], 1, tick_size);
        }
    }
    cairo_stroke(cr);
}

} // namespace

colour palette(std::size_t index) {
    static const colour colours[] = {{0.12, 0.47, 0.71}, {0.84, 0.37, 0.0},  {0.17, 0.63, 0.17},
                                     {0.84, 0.15, 0.16}, {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29},
                                     {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}};
    return colours[index % (sizeof colours / sizeof colours[0])];
}

range widened(range r) {
    if (!(r.high > r.low)) {
        return {r.low - 0.5, r.low + 0.5};
    }
    return r;
}

axes axes_on_page(double page_width, double page_height, range x, range y) {
    axes a;
    a.left = 90;
    a.top = 45;
    a.width = page_width - a.left - 30;
    a.height = page_height - a.top - 60;
    a.x = widened(x);
    a.y = widened(y);
    return a;
}

void draw_text(cairo_t* cr, double x, double y, const std::string& text, double align,
               double size) {
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text.c_str(), &extents);
    cairo_save(cr);
    cairo_move_to(cr, x - extents.x_advance * align, y + size * 0.35);
    cairo_show_text(cr, text.c_str());
    cairo_restore(cr);
}

void draw_frame(cairo_t* cr, const axes& a, const labels& text) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, a.left, a.top, a.width, a.height);
    cairo_stroke(cr);
    draw_x_ticks(cr, a);
    draw_y_ticks(cr, a, text.rows);
    draw_text(cr, a.left + a.width / 2, a.top - 22, text.title, 0.5, 15);
    draw_text(cr, a.left + a.width / 2, a.top + a.height + 42, text.x, 0.5, label_size);
    cairo_save(cr);
    cairo_translate(cr, 18, a.top + a.height / 2);
    cairo_rotate(cr, -quarter_turn);
    draw_text(cr, 0, 0, text.y, 0.5, label_size);
    cairo_restore(cr);
}

void draw_legend(cairo_t* cr, const axes& a, const std::vector<legend_entry>& entries) {
    if (entries.empty()) {
        return;
    }
    cairo_set_font_size(cr, label_size);
    double widest = 0;
    for (const auto& entry : entries) {
        cairo_text_extents_t extents;
        cairo_text_extents(cr, entry.label.c_str(), &extents);
        widest = std::max(widest, extents.x_advance);
    }
    const double row = 18;
    const double box_width = widest + 50;
    const double left = a.left + a.width - box_width - 8;
    const double top = a.top + 8;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, left, top, box_width, row * static_cast<double>(entries.size()) + 8);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const double y = top + 4 + row * (static_cast<double>(e) + 0.5);
        const colour& c = entries[e].shade;
        cairo_set_source_rgb(cr, c.red, c.green, c.blue);
        cairo_set_line_width(cr, 2.5);
        const double dashes[] = {5, 3};
        cairo_set_dash(cr, dashes, entries[e].dashed ? 2 : 0, 0);
        cairo_move_to(cr, left + 8, y);
        cairo_line_to(cr, left + 36, y);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        draw_text(cr, left + 42, y, entries[e].label, 0, label_size);
    }
}

} // namespace sf::plot::detail
