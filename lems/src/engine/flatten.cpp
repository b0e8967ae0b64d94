#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <sf/firmware/assert.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/network_run.hpp>

#include "executor.hpp"
#include "parameter_classes.hpp"
#include "runtime_builder.hpp"
#include "simulation_plan.hpp"

namespace sf::lems {
namespace {

using engine::instance;
using engine::kind;

const std::string exposure_prefix = "@exposure:";
const std::string rate_prefix = "@rate:";

// Events between parts of one cell that trigger further events: more than this many in a row is
// a loop.
constexpr int max_event_depth = 16;

// Where a pointer into some kind's column points: the kind, the column and the member.
class column_locator {
public:
    struct place {
        kind* owner = nullptr;
        int column = -1;
        int member = -1;
    };

    explicit column_locator(const engine::runtime& rt) {
        for (const auto& k : rt.kinds) {
            for (std::size_t c = 0; c < k->columns.size(); ++c) {
                const auto& column = k->columns[c];
                if (!column.empty()) {
                    spans_.push_back({column.data(), column.data() + column.size(), k.get(),
                                      static_cast<int>(c)});
                }
            }
        }
        std::sort(spans_.begin(), spans_.end(),
                  [](const span& a, const span& b) { return a.begin < b.begin; });
    }

    place locate(const double* cell) const {
        auto it = std::upper_bound(spans_.begin(), spans_.end(), cell,
                                   [](const double* p, const span& s) { return p < s.begin; });
        if (it == spans_.begin()) {
            return {};
        }
        --it;
        if (cell >= it->end) {
            return {};
        }
        return {it->owner, it->column, static_cast<int>(cell - it->begin)};
    }

private:
    struct span {
        const double* begin;
        const double* end;
        kind* owner;
        int column;
    };
    std::vector<span> spans_;
};

// The declared dimension of a kind's column, found by its name.
dimension column_dimension(const kind& k, const std::string& column_name) {
    const component_type& type = *k.type;
    std::string name = column_name;
    bool rate = false;
    if (name.rfind(rate_prefix, 0) == 0) {
        name = name.substr(rate_prefix.size());
        rate = true;
    }
    bool exposure = false;
    if (name.rfind(exposure_prefix, 0) == 0) {
        name = name.substr(exposure_prefix.size());
        exposure = true;
    }
    auto find_in = [&](const std::vector<dimensioned_name>& list) -> const dimension* {
        for (const auto& d : list) {
            if (d.name == name) {
                return &d.dim;
            }
        }
        return nullptr;
    };
    const dimension* found = nullptr;
    if (exposure) {
        found = find_in(type.exposures);
    }
    if (found == nullptr && type.dynamics) {
        for (const auto& sv : type.dynamics->state_variables) {
            if (sv.decl.name == name) {
                found = &sv.decl.dim;
            }
        }
        for (const auto& dv : type.dynamics->derived_variables) {
            if (dv.decl.name == name) {
                found = &dv.decl.dim;
            }
        }
        for (const auto& regime : type.dynamics->regimes) {
            for (const auto& dv : regime.derived_variables) {
                if (dv.decl.name == name) {
                    found = &dv.decl.dim;
                }
            }
        }
    }
    if (found == nullptr) {
        found = find_in(type.requirements);
    }
    if (found == nullptr) {
        for (const auto& p : type.properties) {
            if (p.decl.name == name) {
                found = &p.decl.dim;
            }
        }
    }
    if (found == nullptr) {
        found = find_in(type.parameters);
    }
    if (found == nullptr) {
        found = find_in(type.exposures);
    }
    dimension result = found != nullptr ? *found : dimension::none();
    return rate ? result / dimension::of(0, 0, 1, 0) : result;
}

// A cell and everything under it, in the order the reference simulator advances them.
struct neuron_tree {
    instance* root = nullptr;
    std::vector<instance*> order; // postorder: children, then attachments, then the instance
    int population_index = 0;
    std::string population;
};

// Everything the flattening needs to know about the built runtime.
struct runtime_index {
    const engine::runtime& rt;
    column_locator locator;
    std::vector<std::vector<instance*>> members; // per kind id, by member index
    std::map<const instance*, int> neuron_of;    // instance -> index into neurons
    std::map<const instance*, int> position;     // instance -> position in its neuron's order
    std::vector<neuron_tree> neurons;
    // Per kind id: kinds whose components differ in parameter values alone, in the same role of
    // parents of one class, share a class (and cells made of them a program).
    std::vector<int> kind_class;

    // `by_class`: kinds of one class count as one (see kind_class); otherwise each is its own.
    runtime_index(const engine::runtime& runtime, bool by_class) : rt(runtime), locator(runtime) {
        classify_kinds(by_class);
        members.resize(rt.kinds.size());
        for (instance* inst : rt.graph->preorder()) {
            auto& list = members[static_cast<std::size_t>(inst->owner->id)];
            if (list.size() <= static_cast<std::size_t>(inst->index)) {
                list.resize(static_cast<std::size_t>(inst->index) + 1);
            }
            list[static_cast<std::size_t>(inst->index)] = inst;
        }
        find_neurons(rt.graph->root());
    }

    instance* instance_at(const kind& k, int member) const {
        return members[static_cast<std::size_t>(k.id)][static_cast<std::size_t>(member)];
    }

private:
    void classify_kinds(bool by_class) {
        if (!by_class) {
            for (const auto& k : rt.kinds) {
                kind_class.push_back(k->id);
            }
            return;
        }
        engine::parameter_classes classes;
        std::map<std::tuple<const component*, std::string, int>, int> first_of_class;
        for (const auto& k : rt.kinds) {
            const int parent_class = k->parent != nullptr ? kind_class.at(k->parent->id) : -1;
            const auto key =
                std::make_tuple(classes.representative(k->comp), k->role, parent_class);
            const auto [it, added] = first_of_class.emplace(key, k->id);
            const kind& first = *rt.kinds[static_cast<std::size_t>(it->second)];
            const bool same_layout = first.column_names == k->column_names &&
                                     first.constant_columns == k->constant_columns;
            kind_class.push_back(
                !added && same_layout ? kind_class[static_cast<std::size_t>(first.id)] : k->id);
        }
    }

    // A neuron is an instance with dynamics none of whose ancestors has dynamics.
    void find_neurons(instance* inst) {
        if (inst->owner->has_dynamics) {
            neuron_tree tree;
            tree.root = inst;
            engine::postorder(inst, tree.order);
            const instance* parent = inst->parent;
            tree.population = parent != nullptr ? parent->comp->id : inst->comp->id;
            if (parent != nullptr) {
                const auto& siblings = parent->multi.empty() ? parent->children : parent->multi;
                const auto it = std::find(siblings.begin(), siblings.end(), inst);
                tree.population_index =
                    it == siblings.end() ? 0 : static_cast<int>(it - siblings.begin());
            }
            const int index = static_cast<int>(neurons.size());
            for (std::size_t p = 0; p < tree.order.size(); ++p) {
                neuron_of[tree.order[p]] = index;
                position[tree.order[p]] = static_cast<int>(p);
            }
            neurons.push_back(std::move(tree));
            return;
        }
        for (instance* child : inst->children) {
            find_neurons(child);
        }
        for (instance* attached : inst->attachments) {
            find_neurons(attached);
        }
    }
};

std::string describe(const instance* inst) { return inst->comp->label(); }

// A value a statement reads: a variable of the neuron at (position, column), or a constant.
struct value_ref {
    bool constant = false;
    double value = 0.0;
    int position = -1;
    int column = -1;
};

// Translates the dynamics of one neuron's instances into statements of its group.
class neuron_translator {
public:
    // `tree` is the group's first cell; `cells` all of them, alike in shape.
    neuron_translator(const runtime_index& index, const neuron_tree& tree,
                      std::vector<const neuron_tree*> cells, ir::neuron_group& group)
        : index_(index), tree_(tree), cells_(std::move(cells)), group_(group) {}

    // Statements for the events of a step's input channels, then for every instance in order.
    void translate(const std::vector<std::pair<int, int>>& channels,
                   const std::vector<std::string>& payloads) {
        for (std::size_t c = 0; c < channels.size(); ++c) {
            const auto first = static_cast<int>(group_.step.size());
            receive(static_cast<int>(c), channels[c].first, channels[c].second, payloads[c]);
            ir::input_channel& in = group_.inputs[c];
            in.first_statement = first;
            in.statement_count = static_cast<int>(group_.step.size()) - first;
        }
        for (std::size_t p = 0; p < tree_.order.size(); ++p) {
            advance(static_cast<int>(p));
        }
    }

    // The group variable of a column at a position, made when first asked for.
    int variable_for(int position, int column) {
        const auto key = std::make_pair(position, column);
        if (const auto it = columns_.find(key); it != columns_.end()) {
            return it->second;
        }
        const kind& k = owner(position);
        const std::string& column_name = k.column_names[static_cast<std::size_t>(column)];
        ir::variable v;
        std::string member = column_name;
        if (member.rfind(exposure_prefix, 0) == 0) {
            member = member.substr(exposure_prefix.size()) + " (exposed)";
        } else if (member.rfind(rate_prefix, 0) == 0) {
            member = "d" + member.substr(rate_prefix.size()) + "/dt";
        }
        v.member = member;
        v.name = path_of(position) + member;
        v.dim = column_dimension(k, column_name);
        const int index =
            add_variable(std::move(v), origin{origin::column_value, position, column});
        columns_[key] = index;
        return index;
    }

    int regime_variable(int position) {
        if (const auto it = regimes_.find(position); it != regimes_.end()) {
            return it->second;
        }
        ir::variable v;
        v.member = "regime";
        v.name = path_of(position) + "regime";
        const int index = add_variable(std::move(v), origin{origin::regime, position, -1});
        regimes_[position] = index;
        return index;
    }

    // Where each variable's initial value comes from.
    struct origin {
        enum what { column_value, regime, zero } from = zero;
        int position = -1;
        int column = -1;
    };
    const std::vector<origin>& origins() const { return origins_; }

    // What a pointer read by this neuron's instance at `reader` denotes.
    value_ref reference(const double* cell, int reader) {
        const column_locator::place place = index_.locator.locate(cell);
        // Every value an instance reads lives in some kind's column.
        SF_ASSERT(place.owner != nullptr);
        if (place.owner->constant_columns[static_cast<std::size_t>(place.column)]) {
            return {true, *cell, -1, -1};
        }
        const instance* source = index_.instance_at(*place.owner, place.member);
        const auto neuron = index_.neuron_of.find(source);
        if (neuron == index_.neuron_of.end() ||
            index_.neurons[static_cast<std::size_t>(neuron->second)].root != tree_.root) {
            throw parse_error{
                instance_of(reader)->comp->where, describe(instance_of(reader)),
                "reads '" + place.owner->column_names[static_cast<std::size_t>(place.column)] +
                    "' of " + describe(source) + ", which is not part of cell " +
                    describe(tree_.root) +
                    ": a neuron core exchanges only spikes between cells (gap junctions and graded "
                    "synapses cannot be mapped)"};
        }
        return {false, 0.0, index_.position.at(source), place.column};
    }

private:
    const kind& owner(int position) const { return *instance_of(position)->owner; }
    instance* instance_of(int position) const {
        return tree_.order[static_cast<std::size_t>(position)];
    }
    int member_of(int position) const { return instance_of(position)->index; }

    std::string path_of(int position) const {
        std::vector<const instance*> chain;
        for (const instance* up = instance_of(position); up != nullptr && up != tree_.root;
             up = up->parent) {
            chain.push_back(up);
        }
        std::string path;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const instance* inst = *it;
            path += inst->role.empty() ? inst->comp->id : inst->role + ":" + inst->comp->id;
            path += "[" + std::to_string(index_.position.at(inst)) + "]/";
        }
        return path;
    }

    int add_variable(ir::variable v, origin from) {
        group_.variables.push_back(std::move(v));
        origins_.push_back(from);
        return static_cast<int>(group_.variables.size()) - 1;
    }

    ir::expr value_of(const value_ref& ref) {
        return ref.constant ? ir::expr::constant(ref.value)
                            : ir::expr::variable(variable_for(ref.position, ref.column));
    }

    ir::expr load(int position, int column) {
        const kind& k = owner(position);
        if (k.constant_columns[static_cast<std::size_t>(column)]) {
            const double value = k.columns[static_cast<std::size_t>(column)].front();
            return same_in_every_cell(position, column, value)
                       ? ir::expr::constant(value)
                       : ir::expr::variable(variable_for(position, column));
        }
        if (column == k.time_column) {
            ir::expr e;
            e.add(ir::node{ir::op::time, -1, -1, 0.0, -1});
            return e;
        }
        return ir::expr::variable(variable_for(position, column));
    }

    ir::expr translate(const engine::compiled_expression& code, int position) {
        ir::expr out;
        std::vector<int> stack;
        for (const engine::instruction& ins : code.code) {
            switch (ins.op) {
            case engine::opcode::variable:
                stack.push_back(out.append(load(position, ins.column)));
                break;
            case engine::opcode::constant:
                stack.push_back(out.add(ir::node{ir::op::constant, -1, -1, ins.value, -1}));
                break;
            default: {
                ir::node n{ins.op, -1, -1, 0.0, -1};
                if (ir::operand_count(ins.op) == 2) {
                    n.b = stack.back();
                    stack.pop_back();
                }
                n.a = stack.back();
                stack.pop_back();
                stack.push_back(out.add(n));
            }
            }
        }
        return out;
    }

    void assign(int target, ir::expr value, int guard) {
        group_.step.push_back(
            ir::statement{ir::statement_kind::assign, target, std::move(value), guard});
    }

    // A new guard variable holding `test` where `outer` holds (always when outer is -1).
    int flag(ir::expr test, int outer, const std::string& what) {
        ir::variable v;
        v.member = what;
        v.name = "guard" + std::to_string(flags_++) + " (" + what + ")";
        const int index = add_variable(std::move(v), origin{});
        if (outer >= 0) {
            ir::expr both = ir::expr::variable(outer);
            const int a = both.root();
            const int b = both.append(test);
            both.add(ir::node{ir::op::logical_and, a, b, 0.0, -1});
            test = std::move(both);
        }
        assign(index, std::move(test), -1);
        return index;
    }

    static ir::expr binary(ir::op kind, const ir::expr& a, const ir::expr& b) {
        ir::expr e;
        const int left = e.append(a);
        const int right = e.append(b);
        e.add(ir::node{kind, left, right, 0.0, -1});
        return e;
    }

    void derive(const engine::derived_expression& d, int position, int guard) {
        const int target = variable_for(position, d.column);
        if (d.case_conditions.empty()) {
            assign(target, translate(d.case_values.front(), position), guard);
            return;
        }
        std::vector<int> chosen;
        auto none_chosen = [&]() {
            ir::expr e = ir::expr::constant(1.0);
            for (int f : chosen) {
                e = binary(ir::op::logical_and, e,
                           binary(ir::op::equal, ir::expr::variable(f), ir::expr::constant(0.0)));
            }
            return e;
        };
        for (std::size_t c = 0; c < d.case_conditions.size(); ++c) {
            if (static_cast<int>(c) == d.default_case) {
                continue;
            }
            const int f =
                flag(binary(ir::op::logical_and, none_chosen(),
                            translate(d.case_conditions[c], position)),
                     guard, "case of " + group_.variables[static_cast<std::size_t>(target)].member);
            assign(target, translate(d.case_values[c], position), f);
            chosen.push_back(f);
        }
        const int otherwise =
            flag(none_chosen(), guard,
                 "default of " + group_.variables[static_cast<std::size_t>(target)].member);
        assign(target,
               d.default_case < 0
                   ? ir::expr::constant(0.0)
                   : translate(d.case_values[static_cast<std::size_t>(d.default_case)], position),
               otherwise);
    }

    void copy_requirements(int position) {
        const kind& k = owner(position);
        const int member = member_of(position);
        for (const engine::requirement_copy& r : k.requirements) {
            const value_ref source =
                reference(r.source[static_cast<std::size_t>(member)].cell, position);
            assign(variable_for(position, r.column), value_of(source), -1);
        }
    }

    void advance(int position) {
        const kind& k = owner(position);
        if (!k.has_dynamics) {
            return;
        }
        const int member = member_of(position);
        copy_requirements(position);
        for (const engine::derived_path& path : k.path_derived) {
            const bool product = path.reduce == engine::derived_path::reduction::multiply;
            ir::expr sum = ir::expr::constant(product ? 1.0 : 0.0);
            const std::uint32_t begin = path.offsets[static_cast<std::size_t>(member)];
            const std::uint32_t end = path.offsets[static_cast<std::size_t>(member) + 1];
            if (end - begin == 1 && !product) {
                sum = value_of(reference(path.sources[begin].cell, position));
            } else {
                for (std::uint32_t s = begin; s < end; ++s) {
                    sum = binary(product ? ir::op::multiply : ir::op::add, sum,
                                 value_of(reference(path.sources[s].cell, position)));
                }
            }
            assign(variable_for(position, path.column), std::move(sum), -1);
        }
        for (const auto& d : k.derived) {
            derive(d, position, -1);
        }
        for (const auto& r : k.rates) {
            assign(variable_for(position, r.rate_column), translate(r.value, position), -1);
        }
        for (const auto& r : k.rates) {
            group_.step.push_back(
                ir::statement{ir::statement_kind::integrate, variable_for(position, r.state_column),
                              ir::expr::variable(variable_for(position, r.rate_column)), -1});
        }
        for (const auto& c : k.conditions) {
            const int f = flag(translate(c.test, position), -1, "condition");
            actions(c.actions, position, f, 0);
        }
        for (const auto& [variable, snapshot] : k.exposure_sync) {
            assign(variable_for(position, snapshot),
                   ir::expr::variable(variable_for(position, variable)), -1);
        }
        if (k.regimes.empty()) {
            return;
        }
        std::vector<int> in_regime;
        for (std::size_t r = 0; r < k.regimes.size(); ++r) {
            in_regime.push_back(
                flag(binary(ir::op::equal, ir::expr::variable(regime_variable(position)),
                            ir::expr::constant(static_cast<double>(r))),
                     -1, "in regime " + k.regimes[r].name));
        }
        copy_requirements(position);
        for (std::size_t r = 0; r < k.regimes.size(); ++r) {
            const engine::regime_program& regime = k.regimes[r];
            const int guard = in_regime[r];
            for (const auto& d : regime.derived) {
                derive(d, position, guard);
            }
            for (const auto& rate : regime.rates) {
                group_.step.push_back(ir::statement{ir::statement_kind::integrate,
                                                    variable_for(position, rate.state_column),
                                                    translate(rate.value, position), guard});
            }
            for (const auto& c : regime.conditions) {
                const int f =
                    flag(translate(c.test, position), guard, "condition in " + regime.name);
                actions(c.actions, position, f, 0);
            }
        }
    }

    void actions(const std::vector<engine::action>& list, int position, int guard, int depth) {
        for (const auto& a : list) {
            if (a.op == engine::action_op::assign) {
                assign(variable_for(position, a.column), translate(a.value, position), guard);
            }
        }
        for (const auto& a : list) {
            if (a.op == engine::action_op::event_out) {
                send(position, a.port, guard, depth);
            }
        }
        for (const auto& a : list) {
            if (a.op == engine::action_op::transition) {
                assign(regime_variable(position), ir::expr::constant(static_cast<double>(a.regime)),
                       guard);
                actions(owner(position).regimes[static_cast<std::size_t>(a.regime)].on_entry,
                        position, guard, depth);
            }
        }
    }

    // An EventOut: the cell's spike leaves the neuron; events between its parts are handled in
    // place.
    void send(int position, int port, int guard, int depth) {
        const kind& k = owner(position);
        const int member = member_of(position);
        const instance* sender = instance_of(position);
        if (sender == tree_.root) {
            group_.step.push_back(ir::statement{ir::statement_kind::emit, port, {}, guard});
        }
        for (const engine::event_target& target : k.output_ports[static_cast<std::size_t>(port)]
                                                      .targets[static_cast<std::size_t>(member)]) {
            const instance* receiver =
                index_.instance_at(*target.target.owner, target.target.index);
            const auto neuron = index_.neuron_of.find(receiver);
            const bool inside =
                neuron != index_.neuron_of.end() &&
                index_.neurons[static_cast<std::size_t>(neuron->second)].root == tree_.root;
            if (inside && target.delay <= 0.0) {
                if (depth >= max_event_depth) {
                    throw parse_error{sender->comp->where, describe(sender),
                                      "events inside cell " + describe(tree_.root) +
                                          " trigger each other in a loop"};
                }
                deliver_inside(index_.position.at(receiver), target, guard, depth + 1);
            } else if (sender != tree_.root) {
                throw parse_error{
                    sender->comp->where, describe(sender),
                    "sends events to " + describe(receiver) +
                        (inside ? " with a delay" : ", outside cell " + describe(tree_.root)) +
                        "; on a neuron core only a cell's own spikes travel between neurons"};
            }
        }
    }

    void deliver_inside(int position, const engine::event_target& target, int guard, int depth) {
        if (target.property_column >= 0) {
            assign(variable_for(position, target.property_column),
                   ir::expr::constant(target.property_value), guard);
        }
        handle(position, target.port, guard, depth);
    }

    // What delivering one event to `port` does: its handler, then the active regime's.
    void handle(int position, int port, int guard, int depth) {
        const kind& k = owner(position);
        if (const auto it = k.on_event.find(port); it != k.on_event.end()) {
            actions(it->second, position, guard, depth);
        }
        for (std::size_t r = 0; r < k.regimes.size(); ++r) {
            const auto it = k.regimes[r].on_event.find(port);
            if (it == k.regimes[r].on_event.end()) {
                continue;
            }
            const int f = flag(binary(ir::op::equal, ir::expr::variable(regime_variable(position)),
                                      ir::expr::constant(static_cast<double>(r))),
                               guard, "event in regime " + k.regimes[r].name);
            actions(it->second, position, f, depth);
        }
    }

    // Whether every statement of a handler adds to a variable something free of state and time:
    // such handlers see many events in one step as one event carrying their summed payload.
    bool additive(const kind& k, int port) const {
        for (const auto& regime : k.regimes) {
            if (regime.on_event.count(port) != 0) {
                return false;
            }
        }
        const auto it = k.on_event.find(port);
        if (it == k.on_event.end()) {
            return true;
        }
        std::set<int> properties;
        for (const auto& p : k.type->properties) {
            properties.insert(k.column(p.decl.name));
        }
        for (const auto& a : it->second) {
            if (a.op != engine::action_op::assign) {
                return false;
            }
            const auto& code = a.value.code;
            // x + c, c + x or x - c, with c reading constants and properties only.
            if (code.empty()) {
                return false;
            }
            const engine::opcode last = code.back().op;
            if (last != engine::opcode::add && last != engine::opcode::subtract) {
                return false;
            }
            const bool target_first =
                code.front().op == engine::opcode::variable && code.front().column == a.column;
            const bool target_last =
                code.size() >= 2 && code[code.size() - 2].op == engine::opcode::variable &&
                code[code.size() - 2].column == a.column && last == engine::opcode::add;
            if (!target_first && !target_last) {
                return false;
            }
            const std::size_t from = target_first ? 1 : 0;
            const std::size_t to = target_first ? code.size() - 1 : code.size() - 2;
            for (std::size_t i = from; i < to; ++i) {
                const auto& ins = code[i];
                if (ins.op == engine::opcode::random) {
                    return false;
                }
                if (ins.op == engine::opcode::variable &&
                    !k.constant_columns[static_cast<std::size_t>(ins.column)] &&
                    properties.count(ins.column) == 0) {
                    return false;
                }
                if (ins.op == engine::opcode::variable && ins.column == k.time_column) {
                    return false;
                }
            }
        }
        return true;
    }

    // The statements of an input channel at the start of the step.
    void receive(int channel, int position, int port, const std::string& payload) {
        const kind& k = owner(position);
        ir::input_channel& in = group_.inputs[static_cast<std::size_t>(channel)];
        ir::variable v;
        v.member = "input";
        v.name = in.name + " (input)";
        in.input = add_variable(std::move(v), origin{});
        group_.variables.back().kind = ir::storage::input;
        const int payload_column = payload.empty() ? -1 : k.column(payload);
        in.additive = additive(k, port);
        if (!in.additive) {
            const int f = flag(
                binary(ir::op::not_equal, ir::expr::variable(in.input), ir::expr::constant(0.0)),
                -1, "event on " + in.name);
            handle(position, port, f, 0);
            return;
        }
        const auto handler = k.on_event.find(port);
        if (handler == k.on_event.end()) {
            return;
        }
        std::vector<std::pair<int, ir::expr>> rewritten;
        bool reads_payload = false;
        for (const auto& a : handler->second) {
            const int target = variable_for(position, a.column);
            ir::expr whole = translate(a.value, position);
            if (payload_column >= 0) {
                // The payload stands for the property in each increment: events carry it summed.
                const int property = variable_for(position, payload_column);
                for (auto& n : whole.nodes) {
                    if (n.kind == ir::op::variable && n.variable == property) {
                        n.variable = in.input;
                        reads_payload = true;
                    }
                }
            }
            rewritten.emplace_back(target, std::move(whole));
        }
        if (!reads_payload) {
            in.payload.clear();
        }
        std::vector<ir::expr> increments_of;
        for (auto& [target, whole] : rewritten) {
            const ir::node& root = whole.at(whole.root());
            const bool target_first =
                whole.at(root.a).kind == ir::op::variable && whole.at(root.a).variable == target;
            increments_of.push_back(whole.subtree(target_first ? root.b : root.a));
        }
        if (reads_payload && !homogeneous(increments_of, in.input)) {
            // Not proportional to the payload: events cannot be summed before they are handled.
            in.additive = false;
            in.payload.clear();
            const int f = flag(
                binary(ir::op::not_equal, ir::expr::variable(in.input), ir::expr::constant(0.0)),
                -1, "event on " + in.name);
            handle(position, port, f, 0);
            return;
        }
        for (std::size_t a = 0; a < rewritten.size(); ++a) {
            const int target = rewritten[a].first;
            const ir::expr& whole = rewritten[a].second;
            const ir::op combine = whole.at(whole.root()).kind;
            if (reads_payload) {
                assign(target, whole, -1);
            } else {
                // Each event adds the same increment: scale it by the number of events.
                const ir::expr scaled =
                    binary(ir::op::multiply, increments_of[a], ir::expr::variable(in.input));
                assign(target, binary(combine, ir::expr::variable(target), scaled), -1);
            }
        }
    }

    // Whether increments are proportional to the input: zero for none, twice for twice as much.
    bool homogeneous(const std::vector<ir::expr>& increments, int input) const {
        std::vector<double> values(group_.variables.size(), 0.0);
        for (std::size_t v = 0; v < origins_.size(); ++v) {
            const origin& from = origins_[v];
            if (from.from == origin::column_value) {
                values[v] = owner(from.position)
                                .columns[static_cast<std::size_t>(from.column)]
                                        [static_cast<std::size_t>(member_of(from.position))];
            }
        }
        std::vector<double> scratch;
        for (const ir::expr& e : increments) {
            double at[3];
            for (int x = 0; x < 3; ++x) {
                values[static_cast<std::size_t>(input)] = x;
                at[x] = ir::evaluate(e, values.data(), 0.0, {}, scratch);
            }
            if (at[0] != 0.0 || std::fabs(at[2] - 2.0 * at[1]) > 1e-12 * std::fabs(at[2])) {
                return false;
            }
        }
        return true;
    }

    // Whether a constant column holds `value` in every cell of the group: cells whose parts differ
    // in parameter values alone share the group, and a parameter that differs is a per-neuron
    // constant instead of the program's.
    bool same_in_every_cell(int position, int column, double value) const {
        return std::all_of(cells_.begin(), cells_.end(), [&](const neuron_tree* cell) {
            const instance* inst = cell->order[static_cast<std::size_t>(position)];
            return inst->owner->columns[static_cast<std::size_t>(column)]
                                       [static_cast<std::size_t>(inst->index)] == value;
        });
    }

    const runtime_index& index_;
    const neuron_tree& tree_;
    std::vector<const neuron_tree*> cells_;
    ir::neuron_group& group_;
    std::map<std::pair<int, int>, int> columns_;
    std::map<int, int> regimes_;
    std::vector<origin> origins_;
    int flags_ = 0;
};

// What makes two cells run the same program: the kinds of their parts in order, where each part
// reads its requirements and paths, and which parts send events to which.
std::vector<long long> shape_of(const runtime_index& index, const neuron_tree& tree) {
    std::vector<long long> key;
    auto source = [&](const double* cell) {
        const column_locator::place place = index.locator.locate(cell);
        if (place.owner == nullptr) {
            key.push_back(-1);
            return;
        }
        if (place.owner->constant_columns[static_cast<std::size_t>(place.column)]) {
            // A constant read from elsewhere is folded into the program: its value is shape.
            long long bits = 0;
            std::memcpy(&bits, cell, sizeof bits);
            key.push_back(-2);
            key.push_back(bits);
            return;
        }
        const instance* from = index.instance_at(*place.owner, place.member);
        const auto neuron = index.neuron_of.find(from);
        if (neuron == index.neuron_of.end() ||
            index.neurons[static_cast<std::size_t>(neuron->second)].root != tree.root) {
            key.push_back(-3);
            return;
        }
        key.push_back(index.position.at(from));
        key.push_back(place.column);
    };
    for (const instance* inst : tree.order) {
        const kind& k = *inst->owner;
        key.push_back(index.kind_class[static_cast<std::size_t>(k.id)]);
        const auto member = static_cast<std::size_t>(inst->index);
        for (const auto& r : k.requirements) {
            source(r.source[member].cell);
        }
        for (const auto& path : k.path_derived) {
            key.push_back(path.offsets[member + 1] - path.offsets[member]);
            for (std::uint32_t s = path.offsets[member]; s < path.offsets[member + 1]; ++s) {
                source(path.sources[s].cell);
            }
        }
        if (inst == tree.root) {
            continue;
        }
        for (const auto& port : k.output_ports) {
            key.push_back(-4);
            for (const auto& target : port.targets[member]) {
                const instance* receiver =
                    index.instance_at(*target.target.owner, target.target.index);
                const auto p = index.position.find(receiver);
                key.push_back(p == index.position.end() ? -5 : p->second);
                key.push_back(target.port);
                key.push_back(target.delay > 0.0 ? 1 : 0);
                key.push_back(target.property_column);
            }
        }
    }
    return key;
}

struct group_plan {
    std::vector<int> neurons;                  // indices into runtime_index::neurons
    std::vector<std::pair<int, int>> channels; // (position, port)
    std::vector<std::string> payloads;         // per channel: the property events carry, or empty
};

} // namespace

namespace {

// Builds the network IR from an indexed runtime, phase by phase, in the order of the calls in
// flatten(): cells into groups, the spikes between cells, the groups and their statements, the
// connections, the outputs, and last the variables' initial values (outputs may add variables).
class network_flattener {
public:
    network_flattener(const runtime_index& index, ir::network& net) : index_(index), net_(net) {}

    // Cells of one population with one shape form a group, in the order the cells come.
    void group_cells() {
        neuron_ref_.resize(index_.neurons.size());
        std::map<std::pair<std::string, std::vector<long long>>, int> group_of_shape;
        for (std::size_t n = 0; n < index_.neurons.size(); ++n) {
            const neuron_tree& tree = index_.neurons[n];
            auto key = std::make_pair(tree.population, shape_of(index_, tree));
            auto it = group_of_shape.find(key);
            if (it == group_of_shape.end()) {
                it = group_of_shape.emplace(std::move(key), static_cast<int>(plans_.size())).first;
                plans_.emplace_back();
            }
            group_plan& g = plans_[static_cast<std::size_t>(it->second)];
            neuron_ref_[n] = ir::neuron_ref{it->second, static_cast<int>(g.neurons.size())};
            g.neurons.push_back(static_cast<int>(n));
        }
    }

    // Spikes leaving a cell become connections; each (part, port) they reach becomes a channel.
    void find_connections() {
        channel_of_.resize(plans_.size());
        for (std::size_t n = 0; n < index_.neurons.size(); ++n) {
            const neuron_tree& tree = index_.neurons[n];
            const kind& k = *tree.root->owner;
            const auto member = static_cast<std::size_t>(tree.root->index);
            for (std::size_t port = 0; port < k.output_ports.size(); ++port) {
                for (const auto& target : k.output_ports[port].targets[member]) {
                    connect(n, port, target);
                }
            }
        }
    }

    // A group per plan, with its statements.
    void make_groups() {
        for (const group_plan& gp : plans_) {
            net_.groups.push_back(group_of(gp));
        }
        // The translators keep the groups they fill: made once net_.groups stops growing.
        translators_.reserve(plans_.size());
        for (std::size_t g = 0; g < plans_.size(); ++g) {
            std::vector<const neuron_tree*> cells;
            for (int n : plans_[g].neurons) {
                cells.push_back(&index_.neurons[static_cast<std::size_t>(n)]);
            }
            translators_.emplace_back(index_, *cells.front(), std::move(cells), net_.groups[g]);
            translators_.back().translate(plans_[g].channels, plans_[g].payloads);
        }
    }

    // Connections carry their property (a weight) where the channel sums it, else one per event.
    void add_connections() {
        std::vector<std::map<std::pair<int, int>, int>> arriving(plans_.size());
        for (const pending& p : found_) {
            ir::connection c = p.c;
            const ir::neuron_group& group = net_.groups[static_cast<std::size_t>(c.target.group)];
            const ir::input_channel& in = group.inputs[static_cast<std::size_t>(c.channel)];
            if (in.payload.empty()) {
                c.payload = 1.0;
            } else if (p.property_column < 0) {
                c.payload =
                    p.receiver_kind->columns[static_cast<std::size_t>(p.receiver_kind->column(
                        in.payload))][static_cast<std::size_t>(p.receiver_member)];
            }
            if (!in.additive &&
                ++arriving[static_cast<std::size_t>(c.target.group)][{c.target.neuron, c.channel}] >
                    1) {
                refuse_several_connections(p);
            }
            net_.connections.push_back(c);
        }
    }

    void add_outputs(engine::runtime& rt, const engine::output_plan& outputs) {
        for (const auto& trace : outputs.traces) {
            ir::trace_output out;
            out.id = trace.file->id;
            out.path = trace.path;
            for (std::size_t c = 0; c < trace.columns.size(); ++c) {
                const engine::value_source source =
                    engine::resolve_quantity(*rt.graph, trace.quantities[c], *trace.columns[c]);
                out.columns.push_back(
                    locate_variable(source, *trace.columns[c], trace.quantities[c]));
            }
            net_.traces.push_back(std::move(out));
        }
        for (const auto& planned : outputs.events) {
            ir::event_output out;
            out.id = planned.file->id;
            out.path = planned.path;
            out.id_first = planned.id_first;
            for (const auto& selection : planned.selections) {
                out.selections.push_back(spikes_of(rt, selection));
            }
            net_.events.push_back(std::move(out));
        }
    }

    // Initial values per neuron, and what each variable is.
    void set_initial_values() {
        for (std::size_t g = 0; g < plans_.size(); ++g) {
            ir::neuron_group& group = net_.groups[g];
            const auto& origins = translators_[g].origins();
            std::vector<bool> assigned(group.variables.size(), false);
            for (const auto& s : group.step) {
                if (s.kind != ir::statement_kind::emit) {
                    assigned[static_cast<std::size_t>(s.target)] = true;
                }
            }
            for (std::size_t v = 0; v < group.variables.size(); ++v) {
                ir::variable& var = group.variables[v];
                if (var.kind != ir::storage::input) {
                    var.kind = assigned[v] ? ir::storage::state : ir::storage::neuron_constant;
                }
                var.initial.reserve(plans_[g].neurons.size());
                for (int n : plans_[g].neurons) {
                    var.initial.push_back(
                        initial_value(origins[v], index_.neurons[static_cast<std::size_t>(n)]));
                }
            }
        }
    }

private:
    struct pending {
        ir::connection c;
        int position;
        int port;
        int property_column;
        const kind* receiver_kind;
        int receiver_member;
    };

    // An event target of output `port` of cell n: a connection unless inside the cell.
    void connect(std::size_t n, std::size_t port, const engine::event_target& target) {
        const instance* receiver = index_.instance_at(*target.target.owner, target.target.index);
        const int receiver_neuron = index_.neuron_of.at(receiver);
        if (receiver_neuron == static_cast<int>(n) && target.delay <= 0.0) {
            return; // handled inside the cell
        }
        const ir::neuron_ref to = neuron_ref_[static_cast<std::size_t>(receiver_neuron)];
        const int position = index_.position.at(receiver);
        auto& channels = channel_of_[static_cast<std::size_t>(to.group)];
        const auto key = std::make_pair(position, target.port);
        auto it = channels.find(key);
        group_plan& g = plans_[static_cast<std::size_t>(to.group)];
        if (it == channels.end()) {
            it = channels.emplace(key, static_cast<int>(g.channels.size())).first;
            g.channels.push_back(key);
            g.payloads.emplace_back();
        }
        if (target.property_column >= 0) {
            g.payloads[static_cast<std::size_t>(it->second)] =
                target.target.owner->column_names[static_cast<std::size_t>(target.property_column)];
        }
        ir::connection c;
        c.source = neuron_ref_[n];
        c.source_port = static_cast<int>(port);
        c.target = to;
        c.channel = it->second;
        c.payload = target.property_column >= 0 ? target.property_value : 1.0;
        c.delay = target.delay;
        found_.push_back({c, position, target.port, target.property_column, target.target.owner,
                          target.target.index});
    }

    // The group of a plan without its statements: its members, outputs and input channels.
    ir::neuron_group group_of(const group_plan& gp) const {
        const neuron_tree& first = index_.neurons[static_cast<std::size_t>(gp.neurons.front())];
        ir::neuron_group group;
        group.population = first.population;
        group.component = first.root->comp->id;
        group.where = first.root->comp->where;
        for (int n : gp.neurons) {
            group.members.push_back(index_.neurons[static_cast<std::size_t>(n)].population_index);
        }
        group.label = group.population + "[" + std::to_string(group.members.front()) +
                      (group.members.size() > 1 ? ".." + std::to_string(group.members.back())
                                                : std::string()) +
                      "]";
        for (const auto& port : first.root->owner->output_ports) {
            group.outputs.push_back(port.name);
        }
        for (std::size_t c = 0; c < gp.channels.size(); ++c) {
            const instance* receiver = first.order[static_cast<std::size_t>(gp.channels[c].first)];
            ir::input_channel in;
            in.name = (receiver == first.root ? std::string() : receiver->comp->label() + " ") +
                      "port " +
                      receiver->owner->input_ports[static_cast<std::size_t>(gp.channels[c].second)];
            in.payload = gp.payloads[c];
            group.inputs.push_back(std::move(in));
        }
        return group;
    }

    [[noreturn]] void refuse_several_connections(const pending& p) const {
        const ir::neuron_ref& to = p.c.target;
        const neuron_tree& tree = index_.neurons[static_cast<std::size_t>(
            plans_[static_cast<std::size_t>(to.group)]
                .neurons[static_cast<std::size_t>(to.neuron)])];
        const instance* receiver = tree.order[static_cast<std::size_t>(p.position)];
        throw parse_error{
            receiver->comp->where, describe(receiver),
            "receives events from several connections on cell " + describe(tree.root) +
                ", and its OnEvent handler does not only add to its state; a neuron core sums "
                "a step's events, so such a synapse may have one connection per cell"};
    }

    // Outputs name variables of neurons, made where nothing else needed them.
    ir::recorded_quantity locate_variable(const engine::value_source& source,
                                          const component& where, const std::string& quantity) {
        ir::recorded_quantity q;
        q.quantity = quantity;
        const column_locator::place place = index_.locator.locate(source.cell);
        if (place.owner != nullptr &&
            place.owner->constant_columns[static_cast<std::size_t>(place.column)]) {
            q.value = *source.cell;
            return q;
        }
        const instance* inst =
            place.owner != nullptr ? index_.instance_at(*place.owner, place.member) : nullptr;
        const auto neuron = inst != nullptr ? index_.neuron_of.find(inst) : index_.neuron_of.end();
        if (neuron == index_.neuron_of.end()) {
            throw parse_error{where.where, where.label(),
                              "quantity \"" + quantity +
                                  "\" is not a variable of a cell, so no neuron core holds it"};
        }
        q.neuron = neuron_ref_[static_cast<std::size_t>(neuron->second)];
        if (place.column == place.owner->time_column) {
            throw parse_error{where.where, where.label(),
                              "quantity \"" + quantity +
                                  "\" is the time, which is not recorded as a variable"};
        }
        q.variable = translators_[static_cast<std::size_t>(q.neuron.group)].variable_for(
            index_.position.at(inst), place.column);
        net_.groups[static_cast<std::size_t>(q.neuron.group)]
            .variables[static_cast<std::size_t>(q.variable)]
            .recorded = true;
        return q;
    }

    // The spikes an EventSelection records: a cell's output port.
    ir::spike_selection spikes_of(engine::runtime& rt,
                                  const engine::planned_event_selection& selection) const {
        instance* found_cell = engine::resolve_selection(*rt.graph, selection);
        const auto neuron = index_.neuron_of.find(found_cell);
        if (neuron == index_.neuron_of.end() ||
            index_.neurons[static_cast<std::size_t>(neuron->second)].root != found_cell) {
            throw parse_error{selection.selection->where, selection.selection->label(),
                              "select=\"" + selection.select +
                                  "\" is not a cell; only cells' spikes leave a neuron core"};
        }
        const kind& owner = *found_cell->owner;
        const int port = selection.port.empty() ? (owner.output_ports.empty() ? -1 : 0)
                                                : owner.output_port_index(selection.port);
        if (port < 0) {
            throw parse_error{selection.selection->where, selection.selection->label(),
                              found_cell->comp->label() + " has no output event port '" +
                                  selection.port + "'"};
        }
        return {neuron_ref_[static_cast<std::size_t>(neuron->second)], port,
                selection.selection->id};
    }

    // A variable's initial value in one cell: where the translator found it.
    static double initial_value(const neuron_translator::origin& from, const neuron_tree& tree) {
        if (from.from == neuron_translator::origin::zero) {
            return 0.0;
        }
        const instance* inst = tree.order[static_cast<std::size_t>(from.position)];
        const kind& k = *inst->owner;
        return from.from == neuron_translator::origin::regime
                   ? static_cast<double>(k.active_regime[static_cast<std::size_t>(inst->index)])
                   : k.columns[static_cast<std::size_t>(from.column)]
                              [static_cast<std::size_t>(inst->index)];
    }

    const runtime_index& index_;
    ir::network& net_;
    std::vector<group_plan> plans_;
    std::vector<ir::neuron_ref> neuron_ref_;                     // per cell of index_.neurons
    std::vector<std::map<std::pair<int, int>, int>> channel_of_; // per group: (position, port)
    std::vector<pending> found_;
    std::vector<neuron_translator> translators_; // per group
};

// The state of the random stream once every instance is initialised, where a run starts.
std::uint64_t random_state_after_initialising(engine::runtime& rt,
                                              const engine::simulation_plan& plan) {
    engine::executor initialiser(rt, plan.step, plan.seed, [](int, double) {});
    initialiser.initialize();
    return initialiser.random_state();
}

} // namespace

ir::network flatten(const model& m, const flatten_options& options) {
    const engine::simulation_plan plan = engine::plan_simulation(m, options.simulation_id);
    const component& sim = *plan.simulation;
    engine::runtime rt = engine::build_runtime(*plan.target, engine::recorded_paths(sim), true,
                                               options.align_populations);
    const std::uint64_t random_state = random_state_after_initialising(rt, plan);
    const runtime_index index(rt, options.align_populations);

    ir::network net;
    net.simulation = sim.id;
    net.target = plan.target->id;
    net.dt = plan.step;
    net.length = plan.length;
    net.steps = static_cast<std::int64_t>(std::llround(plan.length / plan.step));
    net.seed = plan.seed;
    net.reference_random_state = random_state;

    network_flattener flattener(index, net);
    flattener.group_cells();
    flattener.find_connections();
    flattener.make_groups();
    flattener.add_connections();
    flattener.add_outputs(rt, engine::plan_outputs(sim, options.output_dir));
    flattener.set_initial_values();
    return net;
}

} // namespace sf::lems
