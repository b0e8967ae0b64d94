#include <algorithm>

#include <sf/plot/figures.hpp>
#include <sf/plot/plot_error.hpp>

#include "axes.hpp"
#include "canvas.hpp"
#include "time_window.hpp"

namespace sf::plot {
namespace {

constexpr int page_width = 1000;
constexpr int page_height = 600;
constexpr std::size_t legend_rows = 12;

// One line to draw: a column of a run.
struct line {
    const trace_record* run = nullptr;
    std::size_t column = 0; // 1-based, as the user names it
    bool dashed = false;
};

std::vector<line> lines_of(const std::vector<trace_record>& runs,
                           const std::vector<std::size_t>& columns) {
    std::vector<line> lines;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const trace_record& run = runs[k];
        std::vector<std::size_t> chosen = columns;
        if (chosen.empty()) {
            for (std::size_t c = 1; c <= run.columns; ++c) {
                chosen.push_back(c);
            }
        }
        for (const std::size_t c : chosen) {
            if (c < 1 || c > run.columns) {
                throw plot_error("--columns " + std::to_string(c) + ": " + run.name + " has " +
                                 std::to_string(run.columns) +
                                 " columns after the time (expected 1 to " +
                                 std::to_string(run.columns) + ")");
            }
            lines.push_back({&run, c, k > 0});
        }
    }
    return lines;
}

// The ranges of the samples drawn: time over every run, values inside the window.
std::pair<detail::range, detail::range> extent(const std::vector<line>& lines,
                                               const time_window& window) {
    detail::range t{0, 0};
    detail::range v{0, 0};
    bool any_time = false;
    bool any_value = false;
    for (const line& l : lines) {
        const std::size_t width = l.run->columns + 1;
        for (std::size_t r = 0; r + width <= l.run->rows.size(); r += width) {
            const double ms = l.run->rows[r] * 1e3;
            t = any_time ? detail::range{std::min(t.low, ms), std::max(t.high, ms)}
                         : detail::range{ms, ms};
            any_time = true;
            if (detail::inside(window, ms)) {
                const double value = l.run->rows[r + l.column];
                v = any_value ? detail::range{std::min(v.low, value), std::max(v.high, value)}
                              : detail::range{value, value};
                any_value = true;
            }
        }
    }
    const double pad = (v.high - v.low) * 0.05;
    return {t, {v.low - pad, v.high + pad}};
}

void draw_line(cairo_t* cr, const detail::axes& a, const line& l, detail::colour c,
               const time_window& window) {
    cairo_set_source_rgb(cr, c.red, c.green, c.blue);
    cairo_set_line_width(cr, 1.5);
    const double dashes[] = {6, 4};
    cairo_set_dash(cr, dashes, l.dashed ? 2 : 0, 0);
    const std::size_t width = l.run->columns + 1;
    bool started = false;
    for (std::size_t r = 0; r + width <= l.run->rows.size(); r += width) {
        const double ms = l.run->rows[r] * 1e3;
        if (!detail::inside(window, ms)) {
            continue;
        }
        const double px = a.page_x(ms);
        const double py = a.page_y(l.run->rows[r + l.column]);
        started ? cairo_line_to(cr, px, py) : cairo_move_to(cr, px, py);
        started = true;
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
}

std::string title_of(const std::vector<trace_record>& runs) {
    std::string title;
    for (const auto& run : runs) {
        title += (title.empty() ? "traces of " : " vs ") + run.name;
    }
    return title;
}

} // namespace

void draw_traces(const std::vector<trace_record>& runs, const std::vector<std::size_t>& columns,
                 const time_window& window, const std::filesystem::path& out) {
    format_of(out);
    const std::vector<line> lines = lines_of(runs, columns);
    const auto [times, values] = extent(lines, window);
    detail::canvas page(out, page_width, page_height);
    const detail::axes a =
        detail::axes_on_page(page_width, page_height, detail::time_range(window, times), values);
    cairo_t* cr = page.context();
    cairo_save(cr);
    cairo_rectangle(cr, a.left, a.top, a.width, a.height);
    cairo_clip(cr);
    std::vector<detail::legend_entry> entries;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        draw_line(cr, a, lines[i], detail::palette(i), window);
        if (entries.size() < legend_rows) {
            entries.push_back({lines[i].run->name + " column " + std::to_string(lines[i].column),
                               detail::palette(i), lines[i].dashed});
        }
    }
    cairo_restore(cr);
    if (lines.size() > legend_rows) {
        entries.back().label = "and " + std::to_string(lines.size() - legend_rows + 1) + " more";
    }
    detail::draw_frame(cr, a, {title_of(runs), "time (ms)", "value (SI units)", {}});
    detail::draw_legend(cr, a, entries);
    page.finish();
}

} // namespace sf::plot
