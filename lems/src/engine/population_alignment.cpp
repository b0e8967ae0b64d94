#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "instance_graph.hpp"
#include "linearity.hpp"
#include "parameter_classes.hpp"

namespace sf::lems::engine {
namespace {

using synapse_key = std::pair<std::string, const component*>; // attachment set, component

synapse_key key_of(const instance& attached) { return {attached.role, attached.comp}; }

// Whether an attachment may move within its cell, and stand at rest in a cell that lacks it: a
// synapse that superposes, made by one connection for itself alone, with nothing of its own, in a
// set the cell's type reduces over (a set it reads one value from must keep what it holds).
class alignable_test {
public:
    explicit alignable_test(const component_type& cell_type)
        : read_singly_(roles_selected_without_reduce(cell_type)) {}

    bool operator()(const instance& attached) {
        if (attached.created_by < 0 || !attached.children.empty() || !attached.named.empty() ||
            !attached.attachments.empty() || !attached.type().structure.empty() ||
            read_singly_.count(attached.role) != 0) {
            return false;
        }
        auto known = superposing_.find(attached.comp);
        if (known == superposing_.end()) {
            known = superposing_.emplace(attached.comp, superposes(*attached.comp)).first;
        }
        return known->second;
    }

private:
    std::set<std::string> read_singly_;
    std::map<const component*, bool> superposing_;
};

// The alignable synapses of a population's cells, ordered by the first connection that made one
// of them (the document's order), or empty when the population cannot be aligned.
std::vector<synapse_key> shared_synapses(const std::vector<instance*>& members) {
    alignable_test alignable(members.front()->type());
    std::map<synapse_key, int> first_connection;
    std::set<synapse_key> staying; // keys of attachments that cannot move
    for (const instance* cell : members) {
        std::set<synapse_key> seen;
        for (const instance* attached : cell->attachments) {
            const synapse_key key = key_of(*attached);
            if (!seen.insert(key).second || !alignable(*attached)) {
                staying.insert(key);
                continue;
            }
            const auto [it, added] = first_connection.emplace(key, attached->created_by);
            if (!added) {
                it->second = std::min(it->second, attached->created_by);
            }
        }
    }
    std::vector<std::pair<int, synapse_key>> ordered;
    for (const auto& [key, connection] : first_connection) {
        if (staying.count(key) != 0) {
            return {};
        }
        ordered.emplace_back(connection, key);
    }
    std::sort(ordered.begin(), ordered.end());
    std::vector<synapse_key> keys;
    for (const auto& entry : ordered) {
        keys.push_back(entry.second);
    }
    return keys;
}

// The cells with an attachment, or something under one, in `observed`: a recorded synapse is
// found by its place among its cell's attachments, which aligning may change.
std::set<const instance*>
cells_with_observed_attachments(const std::set<const instance*>& observed) {
    std::set<const instance*> cells;
    for (const instance* inst : observed) {
        for (const instance* up = inst; up->parent != nullptr; up = up->parent) {
            const auto& attachments = up->parent->attachments;
            if (std::find(attachments.begin(), attachments.end(), up) != attachments.end()) {
                cells.insert(up->parent);
            }
        }
    }
    return cells;
}

// The population's cells by the attachments that cannot be aligned (an input of its own
// component, a synapse that does not superpose): cells that differ there run different programs
// whatever their synapses, so each such set is aligned on its own. Components that differ in
// parameter values alone count as one (they run one program, with per-neuron constants).
std::vector<std::vector<instance*>> alike_cells(const std::vector<instance*>& members) {
    alignable_test alignable(members.front()->type());
    parameter_classes classes;
    std::map<std::vector<synapse_key>, std::size_t> set_of;
    std::vector<std::vector<instance*>> sets;
    for (instance* cell : members) {
        std::vector<synapse_key> fixed_part;
        for (const instance* attached : cell->attachments) {
            if (!alignable(*attached)) {
                fixed_part.emplace_back(attached->role, classes.representative(attached->comp));
            }
        }
        const auto [it, added] = set_of.emplace(std::move(fixed_part), sets.size());
        if (added) {
            sets.emplace_back();
        }
        sets[it->second].push_back(cell);
    }
    return sets;
}

} // namespace

std::size_t instance_graph::align_populations(const std::set<const instance*>& observed) {
    const std::set<const instance*> recorded = cells_with_observed_attachments(observed);
    std::size_t attached = 0;
    for (instance* inst : preorder()) {
        if (inst->multi.size() < 2 ||
            std::any_of(inst->multi.begin(), inst->multi.end(),
                        [&](const instance* cell) { return recorded.count(cell) != 0; })) {
            continue;
        }
        for (const std::vector<instance*>& alike : alike_cells(inst->multi)) {
            if (alike.size() >= 2) {
                attached += align_population(alike);
            }
        }
    }
    return attached;
}

// Each cell's attachments become the shared synapses in their order, each the cell's own or one
// made at rest, followed by the cell's other attachments in the order they had.
std::size_t instance_graph::align_population(const std::vector<instance*>& members) {
    const std::vector<synapse_key> shared = shared_synapses(members);
    if (shared.empty()) {
        return 0;
    }
    const std::set<synapse_key> is_shared(shared.begin(), shared.end());
    std::size_t made = 0;
    for (instance* cell : members) {
        std::vector<instance*> aligned;
        aligned.reserve(shared.size() + cell->attachments.size());
        for (const synapse_key& key : shared) {
            const auto own = std::find_if(cell->attachments.begin(), cell->attachments.end(),
                                          [&](const instance* a) { return key_of(*a) == key; });
            if (own != cell->attachments.end()) {
                aligned.push_back(*own);
            } else {
                aligned.push_back(create(key.second, cell, key.first));
                ++made;
            }
        }
        for (instance* other : cell->attachments) {
            if (is_shared.count(key_of(*other)) == 0) {
                aligned.push_back(other);
            }
        }
        cell->attachments = std::move(aligned);
    }
    return made;
}

} // namespace sf::lems::engine
