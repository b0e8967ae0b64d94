#include <sf/plot/spike_comparison.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace sf::plot {
namespace {

using cell_times = std::map<std::string, std::vector<double>>;

cell_times by_cell(const spike_record& record) {
    cell_times cells;
    for (std::size_t s = 0; s < record.times.size(); ++s) {
        cells[record.ids[s]].push_back(record.times[s]);
    }
    for (auto& [id, times] : cells) {
        std::sort(times.begin(), times.end());
    }
    return cells;
}

std::size_t pairs(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
    std::size_t found = 0;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::fabs(a[i] - b[j]) <= tolerance) {
            ++found;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return found;
}

} // namespace

spike_comparison compare_spikes(const spike_record& reference, const spike_record& other,
                                double tolerance_seconds) {
    const double tolerance = tolerance_seconds * 1.001;
    const cell_times ours = by_cell(reference);
    const cell_times theirs = by_cell(other);
    spike_comparison result;
    result.reference_spikes = reference.times.size();
    result.other_spikes = other.times.size();
    result.cells = ours.size();
    for (const auto& [id, times] : theirs) {
        const auto found = ours.find(id);
        if (found == ours.end()) {
            ++result.cells;
        } else {
            result.matched += pairs(found->second, times, tolerance);
        }
    }
    return result;
}

} // namespace sf::plot
