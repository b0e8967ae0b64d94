// A multilevel split of a region's slices between its two halves.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "two_way_split.hpp"

namespace sf::mapper::placing {
namespace {

// One level of the hierarchy: vertices stand for one or more slices.
struct level {
    traffic_graph graph;
    std::vector<std::int64_t> size; // slices in each vertex
    std::vector<std::array<double, 2>> pull;
    std::vector<int> coarse; // by vertex: the vertex of the next coarser level it was merged into
    std::int64_t largest = 1;
};

constexpr std::size_t few_vertices = 40;    // coarsening stops here
constexpr int max_passes = 8;               // refinement passes per level
constexpr std::int64_t merged_at_most = 32; // a coarse vertex holds at most 1/32 of the slices
constexpr int trials = 3; // one without coarsening, two coarsened in different orders

// Heavy-edge matching: each vertex, in an order drawn from `seed`, merges with the unmatched
// neighbour it has the most traffic with, unless together they would hold more than `limit`.
level coarsen(level& fine, std::int64_t limit, std::uint64_t seed) {
    const std::size_t n = fine.size.size();
    std::vector<int> visit(n);
    for (std::size_t v = 0; v < n; ++v) {
        visit[v] = static_cast<int>(v);
    }
    random_stream(seed).shuffle(visit);
    std::vector<int> match(n, -1);
    const traffic_graph& g = fine.graph;
    for (const int v : visit) {
        if (match[at(v)] >= 0) {
            continue;
        }
        int best = -1;
        double heaviest = 0.0;
        for (int e = g.start[at(v)]; e < g.start[at(v) + 1]; ++e) {
            const int u = g.other[at(e)];
            if (match[at(u)] < 0 && fine.size[at(u)] + fine.size[at(v)] <= limit &&
                (g.weight[at(e)] > heaviest || (g.weight[at(e)] == heaviest && u < best))) {
                best = u;
                heaviest = g.weight[at(e)];
            }
        }
        match[at(v)] = best >= 0 ? best : v;
        if (best >= 0) {
            match[at(best)] = v;
        }
    }
    level coarse;
    fine.coarse.assign(n, -1);
    int count = 0;
    for (std::size_t v = 0; v < n; ++v) {
        if (fine.coarse[v] < 0) {
            fine.coarse[v] = count;
            fine.coarse[at(match[v])] = count;
            ++count;
        }
    }
    coarse.size.assign(at(count), 0);
    coarse.pull.assign(at(count), {0.0, 0.0});
    for (std::size_t v = 0; v < n; ++v) {
        const std::size_t c = at(fine.coarse[v]);
        coarse.size[c] += fine.size[v];
        coarse.pull[c][0] += fine.pull[v][0];
        coarse.pull[c][1] += fine.pull[v][1];
    }
    coarse.largest = *std::max_element(coarse.size.begin(), coarse.size.end());
    std::vector<slice_traffic> edges;
    for (std::size_t v = 0; v < n; ++v) {
        for (int e = g.start[v]; e < g.start[v + 1]; ++e) {
            const int a = fine.coarse[v];
            const int b = fine.coarse[at(g.other[at(e)])];
            if (a < b) {
                edges.push_back({a, b, g.weight[at(e)]});
            }
        }
    }
    coarse.graph = build_graph(at(count), edges);
    return coarse;
}

// Fiduccia-Mattheyses refinement of one level's split.
class refiner {
public:
    refiner(const level& l, double apart, std::int64_t low, std::int64_t high, double epsilon)
        : l_(l), apart_(apart), low_(low), high_(high), epsilon_(epsilon), internal_(l.size.size()),
          gain_(l.size.size(), 0.0), locked_(l.size.size(), 0) {}

    double cost(const std::vector<char>& side) const {
        const traffic_graph& g = l_.graph;
        double sum = 0.0;
        for (std::size_t v = 0; v < side.size(); ++v) {
            sum += l_.pull[v][at(side[v])];
            for (int e = g.start[v]; e < g.start[v + 1]; ++e) {
                const std::size_t u = at(g.other[at(e)]);
                if (u > v && side[u] != side[v]) {
                    sum += apart_ * g.weight[at(e)];
                }
            }
        }
        return sum;
    }

    // Passes that move the best vertex across (each once a pass), keeping the best prefix of
    // moves: the one nearest the balance first, then the one that gains most.
    void refine(std::vector<char>& side) {
        std::int64_t total_size = 0;
        for (const std::int64_t s : l_.size) {
            total_size += s;
        }
        const std::int64_t slack = std::max<std::int64_t>(l_.largest, total_size / 32);
        const std::size_t patience = std::max<std::size_t>(50, side.size() / 4);
        for (int pass = 0; pass < max_passes; ++pass) {
            if (improve_once(side, slack, patience) == 0) {
                break;
            }
        }
    }

private:
    using heap = vertex_heap;

    // One pass: moves vertices while the balance allows, then takes back the moves after the
    // best prefix. Returns the moves kept.
    std::size_t improve_once(std::vector<char>& side, std::int64_t slack, std::size_t patience) {
        std::array<heap, 2> heaps;
        std::int64_t first = start_pass(side, heaps);
        double total = 0.0;
        double best = 0.0;
        std::int64_t best_off = off_balance(first);
        std::size_t best_moves = 0;
        moved_.clear();
        for (;;) {
            const auto [pick, pick_gain] = pick_move(heaps, first, slack);
            if (pick < 0) {
                break;
            }
            move(side, heaps, pick, first);
            total += pick_gain;
            const std::int64_t off = off_balance(first);
            if (off < best_off || (off == best_off && total > best + epsilon_)) {
                best_off = off;
                best = total;
                best_moves = moved_.size();
            }
            if (moved_.size() - best_moves > patience) {
                break;
            }
        }
        for (std::size_t k = moved_.size(); k > best_moves; --k) {
            side[at(moved_[k - 1])] = static_cast<char>(1 - side[at(moved_[k - 1])]);
        }
        return best_moves;
    }

    // Every vertex unlocked, with its traffic to each side and its gain, in its side's heap.
    // Returns the slices of the first half.
    std::int64_t start_pass(const std::vector<char>& side, std::array<heap, 2>& heaps) {
        const traffic_graph& g = l_.graph;
        const std::size_t n = side.size();
        std::int64_t first = 0;
        for (std::size_t v = 0; v < n; ++v) {
            internal_[v] = {0.0, 0.0};
            first += side[v] == 0 ? l_.size[v] : 0;
            for (int e = g.start[v]; e < g.start[v + 1]; ++e) {
                internal_[v][at(side[at(g.other[at(e)])])] += g.weight[at(e)];
            }
        }
        for (std::size_t v = 0; v < n; ++v) {
            locked_[v] = 0;
            gain_[v] = gain_of(side, static_cast<int>(v));
            heaps[at(side[v])].push({gain_[v], static_cast<int>(v)});
        }
        return first;
    }

    // The unlocked vertex of either side that gains most among those the balance lets move
    // (ties to the lower number), with its gain; vertex -1 when none may move.
    std::pair<int, double> pick_move(std::array<heap, 2>& heaps, std::int64_t first,
                                     std::int64_t slack) const {
        int pick = -1;
        double pick_gain = 0.0;
        for (std::size_t s = 0; s < 2; ++s) {
            heap& h = heaps[s];
            while (!h.empty() &&
                   (locked_[at(h.top().vertex)] != 0 || h.top().key != gain_[at(h.top().vertex)])) {
                h.pop();
            }
            if (h.empty()) {
                continue;
            }
            const keyed_vertex top = h.top();
            const std::int64_t after =
                first + (s == 0 ? -l_.size[at(top.vertex)] : l_.size[at(top.vertex)]);
            const bool allowed = (after >= low_ - slack && after <= high_ + slack) ||
                                 off_balance(after) < off_balance(first);
            if (allowed &&
                (pick < 0 || top.key > pick_gain || (top.key == pick_gain && top.vertex < pick))) {
                pick = top.vertex;
                pick_gain = top.key;
            }
        }
        return {pick, pick_gain};
    }

    // Moves `pick` to the other side and locks it, updating its neighbours' gains.
    void move(std::vector<char>& side, std::array<heap, 2>& heaps, int pick, std::int64_t& first) {
        const traffic_graph& g = l_.graph;
        const std::size_t from = at(side[at(pick)]);
        const std::size_t to = 1 - from;
        heaps[from].pop();
        side[at(pick)] = static_cast<char>(to);
        first += from == 0 ? -l_.size[at(pick)] : l_.size[at(pick)];
        locked_[at(pick)] = 1;
        moved_.push_back(pick);
        for (int e = g.start[at(pick)]; e < g.start[at(pick) + 1]; ++e) {
            const int u = g.other[at(e)];
            internal_[at(u)][from] -= g.weight[at(e)];
            internal_[at(u)][to] += g.weight[at(e)];
            if (locked_[at(u)] == 0) {
                gain_[at(u)] = gain_of(side, u);
                heaps[at(side[at(u)])].push({gain_[at(u)], u});
            }
        }
    }

    // How far the first half's slices are outside what this level can reach: its vertices hold
    // up to `largest` slices, so coarse levels may miss the bounds by less than that.
    std::int64_t off_balance(std::int64_t first) const {
        const std::int64_t tolerance = l_.largest - 1;
        if (first < low_ - tolerance) {
            return low_ - tolerance - first;
        }
        return first > high_ + tolerance ? first - high_ - tolerance : 0;
    }

    double gain_of(const std::vector<char>& side, int v) const {
        const std::size_t s = at(side[at(v)]);
        const std::size_t o = 1 - s;
        return l_.pull[at(v)][s] - l_.pull[at(v)][o] +
               apart_ * (internal_[at(v)][o] - internal_[at(v)][s]);
    }

    const level& l_;
    double apart_;
    std::int64_t low_;
    std::int64_t high_;
    double epsilon_;
    std::vector<std::array<double, 2>> internal_;
    std::vector<double> gain_;
    std::vector<char> locked_;
    std::vector<int> moved_; // by the pass under way, in order
};

// The coarsest level's split: the traversal order cut where the first half has what it wants,
// its start in either half, each refined; the cheaper one.
std::vector<char> first_split(const level& l, const split_problem& p, double epsilon) {
    const std::size_t n = l.size.size();
    std::vector<int> all(n);
    for (std::size_t v = 0; v < n; ++v) {
        all[v] = static_cast<int>(v);
    }
    std::vector<int> order;
    traversal(l.graph).append(all, order);
    std::int64_t total_size = 0;
    for (const std::int64_t s : l.size) {
        total_size += s;
    }
    refiner refine(l, p.apart, p.low, p.high, epsilon);
    std::vector<char> best;
    double best_cost = std::numeric_limits<double>::infinity();
    for (int start = 0; start < 2; ++start) {
        const std::int64_t wanted = start == 0 ? p.wanted : total_size - p.wanted;
        std::vector<char> side(n);
        std::int64_t taken = 0;
        for (const int v : order) {
            const bool here = taken < wanted;
            side[at(v)] = static_cast<char>(here ? start : 1 - start);
            taken += here ? l.size[at(v)] : 0;
        }
        refine.refine(side);
        const double cost = refine.cost(side);
        if (cost < best_cost) {
            best_cost = cost;
            best = side;
        }
    }
    return best;
}

} // namespace

std::vector<char> split_in_two(const split_problem& problem) {
    const double epsilon = 1e-12 * std::max(problem.graph.total, 1e-300);
    std::vector<char> best;
    double best_cost = std::numeric_limits<double>::infinity();
    for (int trial = 0; trial < trials; ++trial) {
        std::vector<level> levels(1);
        levels[0].graph = problem.graph;
        levels[0].size.assign(problem.graph.vertices(), 1);
        levels[0].pull = problem.pull;
        const auto slices = static_cast<std::int64_t>(problem.graph.vertices());
        const std::int64_t limit = std::max<std::int64_t>(2, slices / merged_at_most);
        while (trial > 0 && levels.back().size.size() > few_vertices) {
            level next = coarsen(levels.back(), limit,
                                 0x5EEDU + 1000U * static_cast<unsigned>(trial) + levels.size());
            if (next.size.size() * 10 > levels.back().size.size() * 9) {
                break; // hardly shrinks: what is left is loosely connected
            }
            levels.push_back(std::move(next));
        }
        std::vector<char> side = first_split(levels.back(), problem, epsilon);
        for (std::size_t k = levels.size() - 1; k > 0; --k) {
            const level& fine = levels[k - 1];
            std::vector<char> finer(fine.size.size());
            for (std::size_t v = 0; v < finer.size(); ++v) {
                finer[v] = side[at(fine.coarse[v])];
            }
            side = std::move(finer);
            refiner(fine, problem.apart, problem.low, problem.high, epsilon).refine(side);
        }
        const double cost =
            refiner(levels[0], problem.apart, problem.low, problem.high, epsilon).cost(side);
        if (cost < best_cost) {
            best_cost = cost;
            best = std::move(side);
        }
    }
    return best;
}

} // namespace sf::mapper::placing
