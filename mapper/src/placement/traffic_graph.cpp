// The traffic between slices as a graph, and the traversal that orders slices by it.
#include <algorithm>
#include <vector>

#include "traffic_graph.hpp"

namespace sf::mapper::placing {

traffic_graph build_graph(std::size_t vertices, const std::vector<slice_traffic>& traffic) {
    struct pair_weight {
        int a;
        int b;
        double weight;
    };
    std::vector<pair_weight> pairs;
    pairs.reserve(traffic.size());
    for (const slice_traffic& t : traffic) {
        if (t.source != t.target && t.weight > 0.0) {
            pairs.push_back({std::min(t.source, t.target), std::max(t.source, t.target), t.weight});
        }
    }
    // Stable, so that the weights of one pair add up in the order given on every library.
    std::stable_sort(pairs.begin(), pairs.end(), [](const pair_weight& x, const pair_weight& y) {
        return x.a != y.a ? x.a < y.a : x.b < y.b;
    });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (kept > 0 && pairs[kept - 1].a == pairs[i].a && pairs[kept - 1].b == pairs[i].b) {
            pairs[kept - 1].weight += pairs[i].weight;
        } else {
            pairs[kept++] = pairs[i];
        }
    }
    pairs.resize(kept);

    traffic_graph g;
    g.strength.assign(vertices, 0.0);
    g.start.assign(vertices + 1, 0);
    for (const pair_weight& p : pairs) {
        ++g.start[at(p.a) + 1];
        ++g.start[at(p.b) + 1];
    }
    for (std::size_t v = 0; v < vertices; ++v) {
        g.start[v + 1] += g.start[v];
    }
    g.other.resize(2 * pairs.size());
    g.weight.resize(2 * pairs.size());
    std::vector<int> fill(g.start.begin(), g.start.end() - 1);
    for (const pair_weight& p : pairs) {
        const std::size_t i = at(fill[at(p.a)]++);
        g.other[i] = p.b;
        g.weight[i] = p.weight;
        const std::size_t j = at(fill[at(p.b)]++);
        g.other[j] = p.a;
        g.weight[j] = p.weight;
        g.strength[at(p.a)] += p.weight;
        g.strength[at(p.b)] += p.weight;
        g.total += p.weight;
    }
    return g;
}

traversal::traversal(const traffic_graph& g)
    : g_(g), attached_(g.vertices(), 0.0), done_(g.vertices(), 0), member_(g.vertices(), 0),
      seen_(g.vertices(), 0) {}

void traversal::append(const std::vector<int>& members, std::vector<int>& out) {
    for (const int m : members) {
        member_[at(m)] = 1;
    }
    std::vector<int> by_strength;
    for (const int m : members) {
        if (done_[at(m)] == 0) {
            by_strength.push_back(m);
            if (attached_[at(m)] > 0.0) {
                heap_.push({attached_[at(m)], m});
            }
        }
    }
    std::sort(by_strength.begin(), by_strength.end(), [this](int x, int y) {
        return g_.strength[at(x)] != g_.strength[at(y)] ? g_.strength[at(x)] > g_.strength[at(y)]
                                                        : x < y;
    });
    std::size_t cursor = 0;
    for (;;) {
        while (!heap_.empty()) {
            const keyed_vertex top = heap_.top();
            heap_.pop();
            if (done_[at(top.vertex)] == 0 && top.key == attached_[at(top.vertex)]) {
                take(top.vertex, out);
            }
        }
        while (cursor < by_strength.size() && done_[at(by_strength[cursor])] != 0) {
            ++cursor;
        }
        if (cursor == by_strength.size()) {
            break;
        }
        const int next = by_strength[cursor];
        if (g_.strength[at(next)] <= 0.0) {
            // Only vertices without traffic are left: in number order.
            std::vector<int> rest(by_strength.begin() + static_cast<std::ptrdiff_t>(cursor),
                                  by_strength.end());
            std::sort(rest.begin(), rest.end());
            for (const int v : rest) {
                if (done_[at(v)] == 0) {
                    take(v, out);
                }
            }
            break;
        }
        take(far_end(next), out);
    }
    for (const int m : members) {
        member_[at(m)] = 0;
    }
}

void traversal::forget(const std::vector<int>& members) {
    for (const int m : members) {
        done_[at(m)] = 0;
        attached_[at(m)] = 0.0;
        for (int e = g_.start[at(m)]; e < g_.start[at(m) + 1]; ++e) {
            attached_[at(g_.other[at(e)])] = 0.0;
        }
    }
}

void traversal::take(int v, std::vector<int>& out) {
    done_[at(v)] = 1;
    out.push_back(v);
    for (int e = g_.start[at(v)]; e < g_.start[at(v) + 1]; ++e) {
        const int n = g_.other[at(e)];
        if (done_[at(n)] == 0) {
            attached_[at(n)] += g_.weight[at(e)];
            if (member_[at(n)] != 0) {
                heap_.push({attached_[at(n)], n});
            }
        }
    }
}

// The last vertex a breadth-first search from `from` reaches among the members not yet taken (a
// pseudo-peripheral vertex, as Cuthill-McKee starts from).
int traversal::far_end(int from) {
    ++stamp_;
    std::vector<int> queue{from};
    seen_[at(from)] = stamp_;
    for (std::size_t next = 0; next < queue.size(); ++next) {
        const int v = queue[next];
        for (int e = g_.start[at(v)]; e < g_.start[at(v) + 1]; ++e) {
            const int n = g_.other[at(e)];
            if (member_[at(n)] != 0 && done_[at(n)] == 0 && seen_[at(n)] != stamp_) {
                seen_[at(n)] = stamp_;
                queue.push_back(n);
            }
        }
    }
    return queue.back();
}

} // namespace sf::mapper::placing
