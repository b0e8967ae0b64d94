// Min-cut placement by recursive bisection of the chips and the slices together.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "bisection.hpp"
#include "two_way_split.hpp"

namespace sf::mapper::placing {
namespace {

class bisector {
public:
    bisector(const traffic_graph& g, const hop_distances& d, const chip_map& map)
        : g_(g), d_(d), map_(map), where_(g.vertices(), -1), local_(g.vertices(), -1) {}

    std::vector<int> run(const std::vector<int>& chips) {
        std::vector<int> all(g_.vertices());
        std::iota(all.begin(), all.end(), 0);
        const int middle = centre(chips);
        std::fill(where_.begin(), where_.end(), middle);
        // Breadth first, so that each split sees the others' slices at the finest level reached.
        std::deque<region> queue;
        queue.push_back({chips, std::move(all)});
        while (!queue.empty()) {
            region r = std::move(queue.front());
            queue.pop_front();
            split(r, queue);
        }
        return where_;
    }

private:
    struct region {
        std::vector<int> chips;
        std::vector<int> slices;
    };
    double distance(int a, int b) const { return static_cast<double>(d_.cost_between(a, b)); }

    // The chip nearest the middle of `chips` as drawn.
    int centre(const std::vector<int>& chips) const {
        double x = 0.0;
        double y = 0.0;
        for (const int c : chips) {
            x += map_.position[at(c)].first;
            y += map_.position[at(c)].second;
        }
        x /= static_cast<double>(chips.size());
        y /= static_cast<double>(chips.size());
        int best = chips.front();
        double nearest = std::numeric_limits<double>::infinity();
        for (const int c : chips) {
            const double away =
                std::hypot(map_.position[at(c)].first - x, map_.position[at(c)].second - y);
            if (away < nearest - 1e-9 || (std::abs(away - nearest) <= 1e-9 && c < best)) {
                nearest = away;
                best = c;
            }
        }
        return best;
    }

    void split(const region& r, std::deque<region>& queue) {
        if (r.slices.empty()) {
            return;
        }
        if (r.chips.size() == 1) {
            for (const int v : r.slices) {
                where_[at(v)] = r.chips.front();
            }
            return;
        }
        std::array<std::vector<int>, 2> parts = halve_chips(r.chips);
        const std::array<int, 2> centres{centre(parts[0]), centre(parts[1])};
        split_problem problem = slice_counts(parts, static_cast<std::int64_t>(r.slices.size()));
        problem.apart = distance(centres[0], centres[1]);
        add_traffic(r.slices, centres, problem);
        std::vector<char> side = split_in_two(problem);
        keep_to_bounds(side, problem.low, problem.high);

        std::array<std::vector<int>, 2> halves;
        for (std::size_t k = 0; k < r.slices.size(); ++k) {
            const int v = r.slices[k];
            local_[at(v)] = -1;
            halves[at(side[k])].push_back(v);
            where_[at(v)] = centres[at(side[k])];
        }
        queue.push_back({std::move(parts[0]), std::move(halves[0])});
        queue.push_back({std::move(parts[1]), std::move(halves[1])});
    }

    // The chips cut in two across their longer side as drawn.
    std::array<std::vector<int>, 2> halve_chips(const std::vector<int>& region_chips) const {
        double low_x = std::numeric_limits<double>::infinity();
        double high_x = -low_x;
        double low_y = low_x;
        double high_y = -low_x;
        for (const int c : region_chips) {
            low_x = std::min(low_x, map_.position[at(c)].first);
            high_x = std::max(high_x, map_.position[at(c)].first);
            low_y = std::min(low_y, map_.position[at(c)].second);
            high_y = std::max(high_y, map_.position[at(c)].second);
        }
        const bool along_x = high_x - low_x >= high_y - low_y - 1e-9;
        std::vector<int> chips = region_chips;
        std::sort(chips.begin(), chips.end(), [this, along_x](int a, int b) {
            const auto& p = map_.position[at(a)];
            const auto& q = map_.position[at(b)];
            const std::pair<double, double> u = along_x ? p : std::make_pair(p.second, p.first);
            const std::pair<double, double> v = along_x ? q : std::make_pair(q.second, q.first);
            return u != v ? u < v : a < b;
        });
        const auto half = static_cast<std::ptrdiff_t>(chips.size() / 2);
        return {std::vector<int>(chips.begin(), chips.begin() + half),
                std::vector<int>(chips.begin() + half, chips.end())};
    }

    // How many of n slices the first half may take (each half's cores bound it) and should take
    // (its share of the cores).
    split_problem slice_counts(const std::array<std::vector<int>, 2>& parts, std::int64_t n) const {
        std::array<std::int64_t, 2> cores{0, 0};
        for (int s = 0; s < 2; ++s) {
            for (const int c : parts[at(s)]) {
                cores[at(s)] += map_.capacity[at(c)];
            }
        }
        split_problem problem;
        problem.low = std::max<std::int64_t>(0, n - cores[1]);
        problem.high = std::min(cores[0], n);
        problem.wanted = std::clamp<std::int64_t>(
            std::llround(static_cast<double>(n) * static_cast<double>(cores[0]) /
                         static_cast<double>(std::max<std::int64_t>(cores[0] + cores[1], 1))),
            problem.low, problem.high);
        return problem;
    }

    // The region's slices renumbered (local_), with the traffic among them, and the traffic to
    // slices outside pulling towards the nearer half.
    void add_traffic(const std::vector<int>& slices, const std::array<int, 2>& centres,
                     split_problem& problem) {
        for (std::size_t k = 0; k < slices.size(); ++k) {
            local_[at(slices[k])] = static_cast<int>(k);
        }
        std::vector<slice_traffic> inner;
        problem.pull.assign(slices.size(), {0.0, 0.0});
        for (std::size_t k = 0; k < slices.size(); ++k) {
            const int v = slices[k];
            for (int e = g_.start[at(v)]; e < g_.start[at(v) + 1]; ++e) {
                const int u = g_.other[at(e)];
                if (local_[at(u)] >= 0) {
                    if (local_[at(u)] > static_cast<int>(k)) {
                        inner.push_back({static_cast<int>(k), local_[at(u)], g_.weight[at(e)]});
                    }
                } else {
                    problem.pull[k][0] += g_.weight[at(e)] * distance(centres[0], where_[at(u)]);
                    problem.pull[k][1] += g_.weight[at(e)] * distance(centres[1], where_[at(u)]);
                }
            }
        }
        problem.graph = build_graph(slices.size(), inner);
    }

    // The split keeps to the bounds; should it not, the last slices change half.
    static void keep_to_bounds(std::vector<char>& side, std::int64_t lo, std::int64_t hi) {
        std::int64_t first = std::count(side.begin(), side.end(), 0);
        for (std::size_t k = side.size(); k > 0 && (first < lo || first > hi); --k) {
            if ((first > hi) == (side[k - 1] == 0)) {
                side[k - 1] = static_cast<char>(1 - side[k - 1]);
                first += side[k - 1] == 0 ? 1 : -1;
            }
        }
    }

    const traffic_graph& g_;
    const hop_distances& d_;
    const chip_map& map_;
    std::vector<int> where_; // by slice: its chip, or the centre of the region it is in so far
    std::vector<int> local_; // by slice: its number in the region being split, else -1
};

} // namespace

std::vector<int> bisect(const traffic_graph& g, const hop_distances& d, const chip_map& map,
                        const std::vector<int>& chips) {
    return bisector(g, d, map).run(chips);
}

} // namespace sf::mapper::placing
