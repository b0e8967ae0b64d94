#pragma once

#include <filesystem>
#include <string>

#include <sf/lems/model.hpp>
#include <sf/lems/network_ir.hpp>

namespace sf::lems {

struct flatten_options {
    // Simulation component to flatten; empty means the model's <Target>.
    std::string simulation_id;
    // Folder that output file names are relative to; empty means the folder of the file that
    // defines the Simulation.
    std::filesystem::path output_dir;
    // Cells of a population that differ only in which superposing synapses receive connections
    // get them all (those without connections at rest, contributing nothing), so that the
    // population forms one group; and cells whose parts differ in parameter values alone (inputs
    // of one type with different amplitudes) share a group, the parameters that differ becoming
    // per-neuron constants. Off, every structure is a group of its own.
    bool align_populations = true;
};

// Builds the simulation's instance tree as the float simulator does (synapses that superpose
// merged per cell), initialises it, and turns every cell with its synapses, inputs and children
// into a neuron of the network IR; cells of a population with the same structure form a group.
// Throws parse_error naming the component and what a neuron core cannot do: reading a variable of
// another cell (gap junctions, graded synapses), events between parts of a cell that are delayed,
// or several connections into a synapse whose events do not add up.
ir::network flatten(const model& m, const flatten_options& options = {});

} // namespace sf::lems
