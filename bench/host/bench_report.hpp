#pragma once

#include <vector>

#include "fault_proxy.hpp"
#include "host_measures.hpp"

// What bench (g) prints: each measurement's details as it finishes, the table beside the goals
// and the anchors, and one `RESULT {json}` line.
namespace sf::bench {

template <class Figures>
struct path_pair {
    Figures direct;               // straight to the server
    Figures lossy;                // through the relay that drops datagrams
    sf::test::fault_counts relay; // what the relay did
};

struct bench_results {
    double drop = 0.0;
    path_pair<load_figures> load;
    std::vector<path_pair<input_figures>> input; // one per keys-per-step setting
    path_pair<loop_figures> loop;
};

void print_load(const path_pair<load_figures>& p);
void print_input(const path_pair<input_figures>& p);
void print_loop(const path_pair<loop_figures>& p);
void print_table(const bench_results& r);
void print_result_json(const bench_results& r);

} // namespace sf::bench
