#include <algorithm>
#include <map>

#include <sf/plot/figures.hpp>

#include "axes.hpp"
#include "canvas.hpp"
#include "text_fields.hpp"
#include "time_window.hpp"

namespace sf::plot {
namespace {

constexpr int page_width = 1000;
constexpr int page_height = 600;

// Numeric ids in numeric order, then the others in text order.
bool row_order(const std::string& a, const std::string& b) {
    const auto x = detail::number_of(a);
    const auto y = detail::number_of(b);
    if (x && y) {
        return *x != *y ? *x < *y : a < b;
    }
    return x || y ? bool(x) : a < b;
}

// Every cell that fired in any run, each its row.
std::map<std::string, std::size_t> rows_of(const std::vector<spike_record>& runs) {
    std::vector<std::string> ids;
    for (const auto& run : runs) {
        ids.insert(ids.end(), run.ids.begin(), run.ids.end());
    }
    std::sort(ids.begin(), ids.end(), row_order);
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::map<std::string, std::size_t> rows;
    for (std::size_t r = 0; r < ids.size(); ++r) {
        rows.emplace(ids[r], r);
    }
    return rows;
}

detail::range spike_times_ms(const std::vector<spike_record>& runs) {
    detail::range r{0, 0};
    bool any = false;
    for (const auto& run : runs) {
        for (const double t : run.times) {
            r = any ? detail::range{std::min(r.low, t * 1e3), std::max(r.high, t * 1e3)}
                    : detail::range{t * 1e3, t * 1e3};
            any = true;
        }
    }
    return r;
}

std::string title_of(const std::vector<spike_record>& runs, std::size_t cells) {
    if (runs.size() == 1) {
        return "spikes of " + runs[0].name + ": " + std::to_string(runs[0].times.size()) +
               " spikes, " + std::to_string(cells) + " cells";
    }
    std::string title;
    for (const auto& run : runs) {
        title += (title.empty() ? "" : " vs ") + run.name;
    }
    return title;
}

// Each spike a short vertical stroke in its cell's row; run k of n takes the k-th slice of it.
void draw_spikes(cairo_t* cr, const detail::axes& a, const std::vector<spike_record>& runs,
                 const std::map<std::string, std::size_t>& rows, const time_window& window) {
    const double band = 0.8 / static_cast<double>(runs.size());
    cairo_save(cr);
    cairo_rectangle(cr, a.left, a.top, a.width, a.height);
    cairo_clip(cr);
    cairo_set_line_width(cr, rows.size() > 300 ? 0.6 : 1.2);
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const detail::colour c = detail::palette(k);
        cairo_set_source_rgb(cr, c.red, c.green, c.blue);
        for (std::size_t s = 0; s < runs[k].times.size(); ++s) {
            const double ms = runs[k].times[s] * 1e3;
            if (!detail::inside(window, ms)) {
                continue;
            }
            const double row = static_cast<double>(rows.at(runs[k].ids[s]));
            const double upper = row + 0.4 - band * static_cast<double>(k);
            cairo_move_to(cr, a.page_x(ms), a.page_y(upper));
            cairo_line_to(cr, a.page_x(ms), std::max(a.page_y(upper - band), a.page_y(upper) + 1));
        }
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

} // namespace

void draw_raster(const std::vector<spike_record>& runs, const time_window& window,
                 const std::filesystem::path& out) {
    format_of(out);
    const std::map<std::string, std::size_t> rows = rows_of(runs);
    // Runs start at time 0, whenever their first spike comes.
    const detail::range times = spike_times_ms(runs);
    const detail::range x = detail::time_range(window, {std::min(times.low, 0.0), times.high});
    const double last_row = static_cast<double>(std::max<std::size_t>(rows.size(), 1)) - 0.5;
    detail::canvas page(out, page_width, page_height);
    const detail::axes a = detail::axes_on_page(page_width, page_height, x, {-0.5, last_row});
    cairo_t* cr = page.context();
    draw_spikes(cr, a, runs, rows, window);
    detail::labels text{title_of(runs, rows.size()), "time (ms)", "cell", {}};
    text.rows.resize(rows.size());
    for (const auto& [id, row] : rows) {
        text.rows[row] = id;
    }
    detail::draw_frame(cr, a, text);
    if (runs.size() > 1) {
        std::vector<detail::legend_entry> entries;
        for (std::size_t k = 0; k < runs.size(); ++k) {
            entries.push_back(
                {runs[k].name + " (" + std::to_string(runs[k].times.size()) + " spikes)",
                 detail::palette(k), false});
        }
        detail::draw_legend(cr, a, entries);
    }
    page.finish();
}

} // namespace sf::plot
