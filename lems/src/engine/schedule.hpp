#pragma once

#include <vector>

#include "runtime.hpp"

namespace sf::lems::engine {

class instance_graph;
struct pending_connection;

// One entry of a step: a single member, or every listed member of one kind advanced together
// phase by phase (vectorised).
struct schedule_entry {
    kind* owner = nullptr;
    int index = -1;           // a single member, when members is empty
    std::vector<int> members; // a vectorised group
};

// Orders the step. Each subtree under the simulated network (a population with its cells'
// synapses and inputs) is advanced kind by kind when that yields exactly the reference
// simulator's results: no zero-delay event inside the subtree whose effect would move from
// before its target's update to after it, no value read across members, and random numbers drawn
// in the same order. Other subtrees keep the reference order, member by member.
std::vector<schedule_entry> plan_schedule(const instance_graph& graph,
                                          const std::vector<pending_connection>& connections,
                                          bool vectorise);

} // namespace sf::lems::engine
