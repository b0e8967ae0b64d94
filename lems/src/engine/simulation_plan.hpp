#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/model.hpp>

#include "instance_graph.hpp"
#include "runtime.hpp"

// What a <Simulation> component asks for, read once for every simulator of the model: the
// network to run, its length and step, the seed, and the files to record.
namespace sf::lems::engine {

struct simulation_plan {
    const component* simulation = nullptr;
    const component* target = nullptr;
    double length = 0.0;
    double step = 0.0;
    std::int64_t seed = 1234;
};

simulation_plan plan_simulation(const model& m, const std::string& id);

// The element of a component's type that makes it part of a simulation (<Run>, <Record>, ...).
const simulation_decl* simulation_element(const component& c, simulation_kind kind);

// The paths of everything the simulation records, relative to its target: those instances keep
// their identity when synapses are merged.
std::vector<std::string> recorded_paths(const component& sim);

// An OutputFile and the quantities of its OutputColumns.
struct planned_trace {
    const component* file = nullptr;
    std::filesystem::path path;
    std::vector<const component*> columns;
    std::vector<std::string> quantities;
};

// An EventOutputFile and its EventSelections.
struct planned_event_selection {
    const component* selection = nullptr;
    std::string select;
    std::string port; // empty: the first output port
};

struct planned_event_file {
    const component* file = nullptr;
    std::filesystem::path path;
    bool id_first = false;
    std::vector<planned_event_selection> selections;
};

struct output_plan {
    std::vector<planned_trace> traces;
    std::vector<planned_event_file> events;
};

// The simulation's output files; names are relative to `output_dir`, or to the folder of the file
// defining the Simulation when it is empty.
output_plan plan_outputs(const component& sim, const std::filesystem::path& output_dir);

// Where a recorded quantity ("pop[0]/v") is read in the built instance tree.
value_source resolve_quantity(instance_graph& graph, const std::string& quantity,
                              const component& where);

// The one instance an EventSelection's select path names.
instance* resolve_selection(instance_graph& graph, const planned_event_selection& selection);

} // namespace sf::lems::engine
