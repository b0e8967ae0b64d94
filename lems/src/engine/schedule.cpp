#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "instance_graph.hpp"
#include "schedule.hpp"

namespace sf::lems::engine {
namespace {

// Below this many members a subtree gains nothing from vectorising.
constexpr std::size_t smallest_group_block = 16;

int depth_of(const kind* k) {
    int depth = 0;
    for (const kind* p = k->parent; p != nullptr; p = p->parent) {
        ++depth;
    }
    return depth;
}

struct block_plan {
    std::vector<kind*> kinds; // in the order they advance
    bool vectorisable = false;
};

block_plan plan_block(const std::vector<instance*>& members,
                      const std::vector<pending_connection>& connections,
                      const std::map<const instance*, std::size_t>& position) {
    block_plan plan;
    std::map<kind*, std::size_t> count;
    for (instance* inst : members) {
        if (count[inst->owner]++ == 0) {
            plan.kinds.push_back(inst->owner);
        }
    }
    if (members.size() < smallest_group_block) {
        return plan;
    }
    std::size_t random_kinds = 0;
    for (kind* k : plan.kinds) {
        // Every member of the kind must be in this subtree, and nothing may read across members.
        if (count[k] != static_cast<std::size_t>(k->size) || k->reads_outside_subtree ||
            k->random_in_updates) {
            return plan;
        }
        random_kinds += k->random_in_actions ? 1 : 0;
    }
    if (random_kinds > 1) {
        return plan; // draws from two kinds would interleave differently
    }
    // Deeper kinds first, so that children and synapses advance before their cells.
    std::stable_sort(plan.kinds.begin(), plan.kinds.end(),
                     [](const kind* a, const kind* b) { return depth_of(a) > depth_of(b); });
    std::map<const kind*, std::size_t> rank;
    for (std::size_t r = 0; r < plan.kinds.size(); ++r) {
        rank[plan.kinds[r]] = r;
    }
    for (const pending_connection& c : connections) {
        if (c.delay > 0.0) {
            continue; // delivered at the start of a later step either way
        }
        const auto source = position.find(c.source);
        const auto target = position.find(c.target);
        if (source == position.end() || target == position.end()) {
            continue; // not both in this subtree
        }
        const bool before_in_reference = target->second > source->second;
        const bool before_grouped = rank[c.target->owner] > rank[c.source->owner];
        if (before_in_reference != before_grouped) {
            return plan;
        }
    }
    plan.vectorisable = true;
    return plan;
}

} // namespace

std::vector<schedule_entry> plan_schedule(const instance_graph& graph,
                                          const std::vector<pending_connection>& connections,
                                          bool vectorise) {
    std::vector<schedule_entry> schedule;
    instance* root = graph.root();
    std::vector<instance*> blocks = root->children;
    blocks.insert(blocks.end(), root->attachments.begin(), root->attachments.end());
    for (instance* block_root : blocks) {
        std::vector<instance*> order;
        postorder(block_root, order);
        std::vector<instance*> members;
        std::map<const instance*, std::size_t> position;
        for (instance* inst : order) {
            if (inst->owner->has_dynamics) {
                position[inst] = members.size();
                members.push_back(inst);
            }
        }
        const block_plan plan = plan_block(members, connections, position);
        if (!vectorise || !plan.vectorisable) {
            for (instance* inst : members) {
                schedule.push_back(schedule_entry{inst->owner, inst->index, {}});
            }
            continue;
        }
        for (kind* k : plan.kinds) {
            schedule_entry group{k, -1, {}};
            for (instance* inst : members) {
                if (inst->owner == k) {
                    group.members.push_back(inst->index);
                }
            }
            schedule.push_back(std::move(group));
        }
    }
    if (root->owner->has_dynamics) {
        schedule.push_back(schedule_entry{root->owner, root->index, {}});
    }
    return schedule;
}

} // namespace sf::lems::engine
