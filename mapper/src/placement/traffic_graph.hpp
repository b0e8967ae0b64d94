#pragma once

#include <cstddef>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include <sf/mapper/placement.hpp>

namespace sf::mapper::placing {

inline std::size_t at(int index) { return static_cast<std::size_t>(index); }

// Vertices by a key, largest first; of equal keys the lowest vertex, so that ties resolve the same
// way on every platform.
struct keyed_vertex {
    double key;
    int vertex;
};
struct keyed_vertex_lower {
    bool operator()(const keyed_vertex& x, const keyed_vertex& y) const {
        return x.key != y.key ? x.key < y.key : x.vertex > y.vertex;
    }
};
using vertex_heap =
    std::priority_queue<keyed_vertex, std::vector<keyed_vertex>, keyed_vertex_lower>;

// SplitMix64: the same numbers on every platform and standard library (std::shuffle's are not).
class random_stream {
public:
    explicit random_stream(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        state_ += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state_;
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }

    template <typename T>
    void shuffle(std::vector<T>& items) {
        for (std::size_t i = items.size(); i > 1; --i) {
            std::swap(items[i - 1], items[static_cast<std::size_t>(next() % i)]);
        }
    }

private:
    std::uint64_t state_;
};

// Traffic as an undirected graph without self-loops, each pair once with its weights summed (hop
// distances are symmetric, so direction does not change the cost). Edges of zero weight are
// dropped, so every edge weighs more than 0.
struct traffic_graph {
    std::vector<int> start; // by vertex, n + 1 entries: its edges are start[v] .. start[v + 1]
    std::vector<int> other;
    std::vector<double> weight;
    std::vector<double> strength; // by vertex: the weights of its edges summed
    double total = 0.0;           // every edge once

    std::size_t vertices() const { return strength.size(); }
    int degree(int v) const { return start[at(v) + 1] - start[at(v)]; }
};

// `traffic` must already be checked: sources and targets below `vertices`, weights finite, >= 0.
traffic_graph build_graph(std::size_t vertices, const std::vector<slice_traffic>& traffic);

// Orders vertices so that strongly connected ones are consecutive: a maximum-adjacency traversal
// (the next vertex is the one with the most weight to those already taken, ties to the lowest
// number), each connected part started from a far end so that chains are laid out end to end.
class traversal {
public:
    explicit traversal(const traffic_graph& g);

    // Appends the members not yet taken to `out`. Weight to vertices taken before (by earlier
    // calls) counts too, so that a group starts next to the groups it talks to most.
    void append(const std::vector<int>& members, std::vector<int>& out);
    // Forgets what was taken among `members`, for a fresh traversal of them.
    void forget(const std::vector<int>& members);

private:
    void take(int v, std::vector<int>& out);
    int far_end(int from);

    const traffic_graph& g_;
    std::vector<double> attached_;
    std::vector<char> done_;
    std::vector<char> member_;
    std::vector<int> seen_;
    int stamp_ = 0;
    vertex_heap heap_;
};

} // namespace sf::mapper::placing
