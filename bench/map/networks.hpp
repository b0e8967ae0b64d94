#pragma once

#include <cstdint>
#include <string>

#include <sf/lems/network_ir.hpp>

// Large benchmark networks built straight into the network IR: the cells come from a small
// NeuroML model (one PyNN IF_curr_exp cell per population with an excitatory and an inhibitory
// expCurrSynapse, flattened as any model is), each population then widened to its full size and
// given its connections by a rule. A file with hundreds of millions of <connection> elements
// would measure the XML reader, not the mapper.
namespace sf::bench {

struct network_spec {
    std::string kind;         // "random", "distance" or "microcircuit"
    std::int64_t neurons = 0; // random and distance: 80 % excitatory, 20 % inhibitory
    int in_degree = 1000;     // random and distance: synapses each neuron receives
    double sigma = 0.05;      // distance: spread of sources, in units of the sheet's side
    double scale = 1.0;       // microcircuit: fraction of neurons and of synapses per neuron
    double length_ms = 100.0; // the simulation the model asks for
    std::uint64_t seed = 1234;
};

struct built_network {
    lems::ir::network net;
    std::string description;
};

// Throws std::runtime_error for a spec it cannot build.
built_network build_network(const network_spec& spec);

} // namespace sf::bench
