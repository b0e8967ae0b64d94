#pragma once

#include <memory>
#include <vector>

#include <sf/lems/model.hpp>

#include "instance_graph.hpp"
#include "native_code.hpp"
#include "runtime.hpp"
#include "schedule.hpp"

namespace sf::lems::engine {

// Everything a simulation runs: the instance tree, its kinds with their compiled programs, and
// the order in which members advance.
struct runtime {
    std::unique_ptr<instance_graph> graph;
    std::vector<std::unique_ptr<kind>> kinds;
    std::vector<schedule_entry> schedule; // members with dynamics, children before parents
    std::shared_ptr<native_code> native;  // compiled kernels of vectorised groups, if any
};

// Builds the runtime for `target` (usually a network). Synapses that superpose are merged per
// cell unless a path in `observed` (quantities and event sources that are recorded, relative to
// the target) reaches them. Throws parse_error naming the component for structural problems
// (dangling paths, unknown ports, indices out of range).
// With `optimise` false every member advances alone and no synapse is merged. With
// `align_populations` (and `optimise`), the cells of each population are given the same synapses
// (instance_graph::align_populations), as one program for a whole population needs.
runtime build_runtime(const component& target, const std::vector<std::string>& observed = {},
                      bool optimise = true, bool align_populations = false);

// Where getVariable(name) reads for a member, following exposures, variables, then parents.
std::optional<value_source> variable_source(instance* inst, const std::string& name);

} // namespace sf::lems::engine
