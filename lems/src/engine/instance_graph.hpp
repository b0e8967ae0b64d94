#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <sf/lems/model.hpp>

#include "runtime.hpp"

namespace sf::lems::engine {

// One runtime instance of a component, as the model's Structure builds it: populations expand
// into cells, connections attach synapse instances to their target cells.
struct instance {
    const component* comp = nullptr;
    instance* parent = nullptr;
    std::string role;                       // child slot, attachment set, or "" for multi members
    std::vector<instance*> children;        // child components, ChildInstance and multi members
    std::vector<instance*> multi;           // MultiInstantiate members, addressed as name[i]
    std::map<std::string, instance*> named; // ChildInstance by reference name; Tunnel peers
    std::vector<instance*> attachments;     // in creation order; role is the set name
    std::map<std::string, double> properties;
    // Children indexed for path lookups: the first child with a component id, and each role.
    std::unordered_map<std::string, instance*> child_by_id;
    std::unordered_map<std::string, std::vector<instance*>> children_by_role;
    kind* owner = nullptr;
    int index = -1;
    int created_by = -1; // the connection that created this attachment (set while merging)

    const component_type& type() const { return *comp->type; }
};

// An event connection found while building, wired into the kinds once they exist.
struct pending_connection {
    instance* source = nullptr;
    std::string source_port;
    instance* target = nullptr;
    std::string target_port;
    double delay = 0.0;
    source_location where;
    bool created_target = false;            // the target was created for this connection alone
    std::map<std::string, double> assigned; // properties the connection set on its target
    std::string override_property;          // after merging: the property this event sets first
    double override_value = 0.0;
};

// Attachment sets from which the type's dynamics select one value (no reduce): merging or
// reordering them would change what the selection finds.
std::set<std::string> roles_selected_without_reduce(const component_type& type);

// Every instance under `inst` in the order the reference simulator advances them: children, then
// attachments, then the instance itself; appended to `out`.
void postorder(instance* inst, std::vector<instance*>& out);

class instance_graph {
public:
    // Limits that keep a malformed or self-referring structure from exhausting the machine.
    static constexpr int max_depth = 64;
    static constexpr std::size_t max_instances = 200'000'000;

    explicit instance_graph(const component& root);

    instance* root() const { return root_; }
    const std::vector<pending_connection>& connections() const { return connections_; }

    // Resolves a LEMS path ("pop[0]", "../pop/3/cell", "synapses[*]", "ions[ion='ca']") relative to
    // `from`; returns every instance it denotes (empty when nothing matches).
    // With `search_enclosing`, a first name not found in `from` is looked up in its ancestors, as
    // Structure paths are (a connection inside a projection names the network's populations).
    std::vector<instance*> resolve(instance* from, const std::string& path,
                                   bool search_enclosing = false) const;

    // Replaces synapses attached to the same cell that superpose (see linearity.hpp) by one
    // instance per cell, set and component, so that a cell with a thousand identical linear
    // synapses integrates one. Instances in `observed` (recorded by an output) are kept apart.
    std::size_t merge_superposing(const std::set<const instance*>& observed);

    // Gives every cell of a population the same superposing synapses in one order, so that cells
    // differing only in which of them receive connections have one structure (and share one
    // program on a neuron core). A synapse a cell lacks is attached at rest: it superposes, so it
    // starts at zero, moves only on events and then contributes nothing. A population is left as
    // it is when anything under it is in `observed`, when a cell has two synapses of one set and
    // component, or when its type selects from a set without reducing; cells that differ in
    // other attachments (inputs of their own) are aligned only with the cells like them. Call after
    // merge_superposing; returns the synapses attached.
    std::size_t align_populations(const std::set<const instance*>& observed);

    // Every instance, parents before children.
    std::vector<instance*> preorder() const;

private:
    instance* create(const component* comp, instance* parent, const std::string& role);
    static void add_child(instance* parent, instance* child);
    // A component that only wires others together (a connection, an input): no dynamics, no
    // children, and a structure of With, EventConnection, Tunnel or ForEach only.
    static bool builds_only(const component& comp);
    instance* attach(const component* comp, instance* target, const std::string& set,
                     const source_location& where);
    void connect(instance* inst);
    void run_connection_builder(instance* inst, const structure_decl& decl,
                                std::map<std::string, instance*>& aliases);
    // The parts of run_connection_builder: what a With names (an instance by path, or a
    // population's member), an EventConnection, the properties an Assign sets on a receiver.
    instance* with_instance(instance* inst, const structure_decl& decl) const;
    instance* population_member(instance* inst, const structure_decl& decl) const;
    void add_event_connection(instance* inst, const structure_decl& decl,
                              const std::map<std::string, instance*>& aliases);
    void assign_properties(const instance* inst, const structure_decl& decl,
                           instance* receiver) const;
    static instance* alias(const std::map<std::string, instance*>& aliases, const std::string& name,
                           const structure_decl& decl, const component& comp);
    const component* referenced(const instance* inst, const std::string& name,
                                const source_location& where) const;
    std::string text_or_literal(const instance* inst, const std::string& name) const;
    double parameter_or_zero(const instance* inst, const std::string& name) const;
    std::vector<instance*> step(instance* from, const std::string& segment) const;
    std::size_t align_population(const std::vector<instance*>& members);

    std::deque<instance> storage_;
    instance* root_ = nullptr;
    std::vector<pending_connection> connections_;
};

} // namespace sf::lems::engine
