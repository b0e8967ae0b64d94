#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "compile_expression.hpp"
#include "runtime_builder.hpp"

namespace sf::lems::engine {
namespace {

const std::string exposure_prefix = "@exposure:";
const std::string rate_prefix = "@rate:";

std::string last_segment(const std::string& path, std::string& prefix) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        prefix.clear();
        return path;
    }
    prefix = path.substr(0, slash);
    return path.substr(slash + 1);
}

class kind_compiler {
public:
    kind_compiler(kind& k, const std::vector<instance*>& members) : kind_(k), members_(members) {}

    void layout() {
        const component& comp = *kind_.comp;
        const component_type& type = *kind_.type;
        kind_.time_column = fill("t", 0.0);
        for (const auto& p : type.parameters) {
            const auto it = comp.parameters.find(p.name);
            fill_constant(p.name, it == comp.parameters.end() ? 0.0 : it->second);
        }
        for (const auto& name : type.index_parameters) {
            const auto it = comp.parameters.find(name);
            fill_constant(name, it == comp.parameters.end() ? 0.0 : it->second);
        }
        for (const auto& c : type.constants) {
            fill_constant(c.decl.name, c.si_value);
        }
        for (const auto& dp : type.derived_parameters) {
            double value = 0.0;
            if (dp.value) {
                value = dp.value->evaluate([&](std::string_view name) {
                    const int column = kind_.column(std::string(name));
                    return column < 0 ? 0.0
                                      : kind_.columns[static_cast<std::size_t>(column)].front();
                });
            }
            fill_constant(dp.decl.name, value);
        }
        for (const auto& p : type.properties) {
            const int column = fill(p.decl.name, p.default_value.value_or(0.0));
            for (std::size_t i = 0; i < members_.size(); ++i) {
                if (const auto it = members_[i]->properties.find(p.decl.name);
                    it != members_[i]->properties.end()) {
                    kind_.columns[static_cast<std::size_t>(column)][i] = it->second;
                }
            }
            kind_.exposure_columns[p.decl.name] = column;
        }
        for (const auto& r : type.requirements) {
            fill(r.name, 0.0);
        }
        if (!type.dynamics) {
            return;
        }
        const dynamics_decl& dyn = *type.dynamics;
        kind_.has_dynamics = true;
        for (const auto& sv : dyn.state_variables) {
            const int column = fill(sv.decl.name, 0.0);
            if (!sv.exposure.empty()) {
                expose(sv.exposure, column);
            }
        }
        auto derived_columns = [&](const std::vector<derived_variable_decl>& list) {
            for (const auto& dv : list) {
                const int column = fill(dv.decl.name, 0.0);
                if (!dv.exposure.empty()) {
                    expose(dv.exposure, column);
                }
            }
        };
        derived_columns(dyn.derived_variables);
        for (const auto& regime : dyn.regimes) {
            derived_columns(regime.derived_variables);
        }
        for (const auto& td : dyn.time_derivatives) {
            fill(rate_prefix + td.variable, 0.0);
        }
        for (const auto& port : type.event_ports) {
            if (port.is_input) {
                kind_.input_ports.push_back(port.name);
            } else {
                output_port out;
                out.name = port.name;
                out.targets.resize(members_.size());
                out.recorders.resize(members_.size());
                kind_.output_ports.push_back(std::move(out));
            }
        }
    }

    void compile() {
        if (!kind_.has_dynamics) {
            return;
        }
        const dynamics_decl& dyn = *kind_.type->dynamics;
        for (const auto& dv : sorted_derived(dyn.derived_variables)) {
            if (!dv->select.empty()) {
                continue; // wired by resolve_paths()
            }
            kind_.derived.push_back(derived(*dv));
        }
        for (const auto& td : dyn.time_derivatives) {
            kind_.rates.push_back(
                {column_of(td.variable), kind_.column(rate_prefix + td.variable), expr(td.value)});
        }
        for (const auto& oc : dyn.on_conditions) {
            kind_.conditions.push_back({expr(oc.test), actions(oc.actions)});
        }
        kind_.on_start = actions(dyn.on_start);
        for (const auto& oe : dyn.on_events) {
            auto& list = kind_.on_event[kind_.input_port(oe.port)];
            auto compiled = actions(oe.actions);
            list.insert(list.end(), compiled.begin(), compiled.end());
        }
        for (std::size_t r = 0; r < dyn.regimes.size(); ++r) {
            const regime_decl& decl = dyn.regimes[r];
            regime_program program;
            program.name = decl.name;
            for (const auto& dv : sorted_derived(decl.derived_variables)) {
                program.derived.push_back(derived(*dv));
            }
            for (const auto& td : decl.time_derivatives) {
                program.rates.push_back({column_of(td.variable), -1, expr(td.value)});
            }
            for (const auto& oc : decl.on_conditions) {
                program.conditions.push_back({expr(oc.test), actions(oc.actions)});
            }
            program.on_entry = actions(decl.on_entry);
            if (decl.initial && kind_.initial_regime < 0) {
                kind_.initial_regime = static_cast<int>(r);
            }
            kind_.regimes.push_back(std::move(program));
        }
        flag_random_use();
        if (!kind_.regimes.empty() && kind_.initial_regime < 0) {
            kind_.initial_regime = 0;
        }
        kind_.active_regime.assign(members_.size(), -1);
    }

private:
    static bool draws(const compiled_expression& e) {
        return std::any_of(e.code.begin(), e.code.end(),
                           [](const instruction& i) { return i.op == opcode::random; });
    }
    static bool draws(const std::vector<action>& actions) {
        return std::any_of(actions.begin(), actions.end(),
                           [](const action& a) { return draws(a.value); });
    }
    static bool draws(const derived_expression& d) {
        return std::any_of(d.case_values.begin(), d.case_values.end(),
                           [](const auto& e) { return draws(e); }) ||
               std::any_of(d.case_conditions.begin(), d.case_conditions.end(),
                           [](const auto& e) { return draws(e); });
    }

    void flag_random_use() {
        auto updates = [&](const std::vector<derived_expression>& derived,
                           const std::vector<rate>& rates,
                           const std::vector<condition>& conditions) {
            for (const auto& d : derived) {
                kind_.random_in_updates = kind_.random_in_updates || draws(d);
            }
            for (const auto& r : rates) {
                kind_.random_in_updates = kind_.random_in_updates || draws(r.value);
            }
            for (const auto& c : conditions) {
                kind_.random_in_updates = kind_.random_in_updates || draws(c.test);
                kind_.random_in_actions = kind_.random_in_actions || draws(c.actions);
            }
        };
        updates(kind_.derived, kind_.rates, kind_.conditions);
        for (const auto& [port, actions] : kind_.on_event) {
            kind_.random_in_actions = kind_.random_in_actions || draws(actions);
        }
        for (const auto& regime : kind_.regimes) {
            updates(regime.derived, regime.rates, regime.conditions);
            kind_.random_in_actions = kind_.random_in_actions || draws(regime.on_entry);
            for (const auto& [port, actions] : regime.on_event) {
                kind_.random_in_actions = kind_.random_in_actions || draws(actions);
            }
        }
    }

    int fill(const std::string& name, double value) {
        const int column = kind_.add_column(name);
        kind_.columns[static_cast<std::size_t>(column)].assign(members_.size(), value);
        kind_.constant_columns.resize(kind_.columns.size());
        kind_.constant_columns[static_cast<std::size_t>(column)] = false;
        return column;
    }

    // Parameters, constants and derived parameters: the same for every member, and no action can
    // assign them (a later column of the same name takes the mark away).
    int fill_constant(const std::string& name, double value) {
        const int column = fill(name, value);
        kind_.constant_columns[static_cast<std::size_t>(column)] = true;
        return column;
    }

    void expose(const std::string& exposure, int variable_column) {
        const int snapshot = fill(exposure_prefix + exposure, 0.0);
        kind_.exposure_columns[exposure] = snapshot;
        kind_.exposure_sync.emplace_back(variable_column, snapshot);
    }

    int column_of(const std::string& name) const {
        const int column = kind_.column(name);
        if (column < 0) {
            throw parse_error{kind_.type->where, "ComponentType " + kind_.type->name,
                              "no variable named '" + name + "'"};
        }
        return column;
    }

    compiled_expression expr(const expression& e) const {
        try {
            return compile_expression(e,
                                      [&](const std::string& name) { return kind_.column(name); });
        } catch (const expression_error& err) {
            throw parse_error{kind_.type->where, "ComponentType " + kind_.type->name, err.what()};
        }
    }

    derived_expression derived(const derived_variable_decl& dv) const {
        derived_expression out;
        out.column = column_of(dv.decl.name);
        if (dv.value) {
            out.case_values.push_back(expr(*dv.value));
            out.default_case = 0;
            return out;
        }
        for (const auto& c : dv.cases) {
            if (c.condition) {
                out.case_conditions.push_back(expr(*c.condition));
                out.case_values.push_back(expr(c.value));
            } else {
                out.default_case = static_cast<int>(out.case_values.size());
                out.case_values.push_back(expr(c.value));
                out.case_conditions.push_back({});
            }
        }
        return out;
    }

    std::vector<action> actions(const std::vector<action_decl>& decls) const {
        std::vector<action> out;
        for (const auto& decl : decls) {
            action a;
            switch (decl.kind) {
            case action_kind::assign:
                a.op = action_op::assign;
                a.column = column_of(decl.target);
                a.value = expr(*decl.value);
                break;
            case action_kind::event_out:
                a.op = action_op::event_out;
                a.port = kind_.output_port_index(decl.target);
                if (a.port < 0) {
                    throw parse_error{decl.where, "ComponentType " + kind_.type->name,
                                      "EventOut to '" + decl.target +
                                          "', which is not an output port"};
                }
                break;
            case action_kind::transition: {
                a.op = action_op::transition;
                const auto& regimes = kind_.type->dynamics->regimes;
                const auto it =
                    std::find_if(regimes.begin(), regimes.end(),
                                 [&](const regime_decl& r) { return r.name == decl.target; });
                if (it == regimes.end()) {
                    throw parse_error{decl.where, "ComponentType " + kind_.type->name,
                                      "no Regime named '" + decl.target + "'"};
                }
                a.regime = static_cast<int>(it - regimes.begin());
                break;
            }
            }
            out.push_back(std::move(a));
        }
        return out;
    }

    // Derived variables in an order where each comes after the ones it uses.
    static std::vector<const derived_variable_decl*>
    sorted_derived(const std::vector<derived_variable_decl>& list) {
        std::map<std::string, const derived_variable_decl*> by_name;
        for (const auto& dv : list) {
            by_name[dv.decl.name] = &dv;
        }
        std::vector<const derived_variable_decl*> order;
        std::set<std::string> done;
        std::set<std::string> visiting;
        std::function<void(const derived_variable_decl&)> visit =
            [&](const derived_variable_decl& dv) {
                if (done.count(dv.decl.name) != 0 || visiting.count(dv.decl.name) != 0) {
                    return;
                }
                visiting.insert(dv.decl.name);
                std::vector<std::string> uses;
                if (dv.value) {
                    uses = dv.value->symbols();
                }
                for (const auto& c : dv.cases) {
                    auto add = c.value.symbols();
                    uses.insert(uses.end(), add.begin(), add.end());
                    if (c.condition) {
                        add = c.condition->symbols();
                        uses.insert(uses.end(), add.begin(), add.end());
                    }
                }
                for (const auto& name : uses) {
                    if (const auto it = by_name.find(name); it != by_name.end()) {
                        visit(*it->second);
                    }
                }
                visiting.erase(dv.decl.name);
                done.insert(dv.decl.name);
                order.push_back(&dv);
            };
        for (const auto& dv : list) {
            visit(dv);
        }
        return order;
    }

    kind& kind_;
    const std::vector<instance*>& members_;
};

} // namespace

std::optional<value_source> variable_source(instance* inst, const std::string& name) {
    for (instance* scope = inst; scope != nullptr; scope = scope->parent) {
        const kind& k = *scope->owner;
        int column = -1;
        if (const auto it = k.exposure_columns.find(name); it != k.exposure_columns.end()) {
            column = it->second;
        } else {
            column = k.column(name);
        }
        if (column >= 0) {
            return value_source{&k.columns[static_cast<std::size_t>(column)]
                                          [static_cast<std::size_t>(scope->index)]};
        }
    }
    return std::nullopt;
}

namespace {

void resolve_requirements(kind& k, const std::vector<instance*>& members) {
    for (const auto& r : k.type->requirements) {
        requirement_copy copy;
        copy.column = k.column(r.name);
        for (instance* member : members) {
            auto source =
                member->parent != nullptr ? variable_source(member->parent, r.name) : std::nullopt;
            if (!source) {
                throw parse_error{
                    member->comp->where, member->comp->label(),
                    "type " + k.type->name + " requires '" + r.name +
                        "', which no enclosing component provides (it is attached to " +
                        (member->parent != nullptr ? member->parent->comp->label() : "nothing") +
                        ")"};
            }
            copy.source.push_back(*source);
        }
        k.requirements.push_back(std::move(copy));
    }
}

void resolve_paths(kind& k, const std::vector<instance*>& members, const instance_graph& graph) {
    if (!k.type->dynamics) {
        return;
    }
    for (const auto& dv : k.type->dynamics->derived_variables) {
        if (dv.select.empty()) {
            continue;
        }
        derived_path path;
        path.column = k.column(dv.decl.name);
        path.reduce = dv.reduce == "add"        ? derived_path::reduction::add
                      : dv.reduce == "multiply" ? derived_path::reduction::multiply
                                                : derived_path::reduction::single;
        std::string prefix;
        const std::string variable = last_segment(dv.select, prefix);
        path.offsets.push_back(0);
        for (instance* member : members) {
            const auto targets =
                prefix.empty() ? std::vector<instance*>{member} : graph.resolve(member, prefix);
            if (targets.empty() && dv.required) {
                throw parse_error{member->comp->where, member->comp->label(),
                                  "the required path '" + dv.select + "' of " + k.type->name +
                                      " finds nothing"};
            }
            if (path.reduce == derived_path::reduction::single && targets.size() > 1) {
                throw parse_error{member->comp->where, member->comp->label(),
                                  "the path '" + dv.select + "' finds " +
                                      std::to_string(targets.size()) +
                                      " components; a reduce is needed"};
            }
            for (instance* target : targets) {
                bool descendant = false;
                for (const instance* up = target; up != nullptr && !descendant; up = up->parent) {
                    descendant = up == member;
                }
                k.reads_outside_subtree = k.reads_outside_subtree || !descendant;
                auto source = variable_source(target, variable);
                if (!source) {
                    throw parse_error{target->comp->where, target->comp->label(),
                                      "has no variable '" + variable + "' (read by " +
                                          member->comp->label() + " through '" + dv.select + "')"};
                }
                path.sources.push_back(*source);
            }
            path.offsets.push_back(static_cast<std::uint32_t>(path.sources.size()));
        }
        k.path_derived.push_back(std::move(path));
    }
}

int port_or_default(const kind& k, const std::string& name, bool input) {
    if (input) {
        if (name.empty()) {
            return k.input_ports.empty() ? -1 : 0;
        }
        return k.input_port(name);
    }
    if (name.empty()) {
        return k.output_ports.empty() ? -1 : 0;
    }
    return k.output_port_index(name);
}

// The instances with merged and aligned synapses, as build_runtime asks for them.
std::unique_ptr<instance_graph> built_graph(const component& target,
                                            const std::vector<std::string>& observed, bool optimise,
                                            bool align_populations) {
    auto graph = std::make_unique<instance_graph>(target);
    std::set<const instance*> kept_apart;
    for (const std::string& path : observed) {
        for (instance* inst : graph->resolve(graph->root(), path)) {
            kept_apart.insert(inst);
        }
    }
    if (optimise) {
        graph->merge_superposing(kept_apart);
        if (align_populations) {
            graph->align_populations(kept_apart);
        }
    }
    return graph;
}

} // namespace

runtime build_runtime(const component& target, const std::vector<std::string>& observed,
                      bool optimise, bool align_populations) {
    runtime rt;
    rt.graph = built_graph(target, observed, optimise, align_populations);
    const instance_graph& graph = *rt.graph;

    std::map<std::tuple<const component*, const kind*, std::string>, kind*> by_key;
    std::map<const kind*, std::vector<instance*>> members;
    for (instance* inst : graph.preorder()) {
        const kind* parent_kind = inst->parent != nullptr ? inst->parent->owner : nullptr;
        auto key = std::make_tuple(inst->comp, parent_kind, inst->role);
        auto it = by_key.find(key);
        if (it == by_key.end()) {
            auto created = std::make_unique<kind>();
            created->id = static_cast<int>(rt.kinds.size());
            created->comp = inst->comp;
            created->type = inst->comp->type;
            created->parent = const_cast<kind*>(parent_kind);
            created->role = inst->role;
            created->label = (parent_kind != nullptr ? parent_kind->label + "/" : std::string()) +
                             (inst->role.empty() ? "" : inst->role + ":") + inst->comp->label();
            it = by_key.emplace(key, created.get()).first;
            rt.kinds.push_back(std::move(created));
        }
        kind* owner = it->second;
        inst->owner = owner;
        inst->index = owner->size++;
        owner->parent_index.push_back(inst->parent != nullptr ? inst->parent->index : -1);
        members[owner].push_back(inst);
    }
    for (auto& k : rt.kinds) {
        kind_compiler(*k, members[k.get()]).layout();
    }
    for (auto& k : rt.kinds) {
        kind_compiler(*k, members[k.get()]).compile();
        resolve_requirements(*k, members[k.get()]);
        resolve_paths(*k, members[k.get()], graph);
    }
    for (const pending_connection& c : graph.connections()) {
        kind& source = *c.source->owner;
        kind& target_kind = *c.target->owner;
        const int out = port_or_default(source, c.source_port, false);
        const int in = port_or_default(target_kind, c.target_port, true);
        if (!c.source_port.empty() && out < 0) {
            throw parse_error{c.where, c.source->comp->label(),
                              "has no output port '" + c.source_port + "'"};
        }
        if (!c.target_port.empty() && in < 0) {
            throw parse_error{c.where, c.target->comp->label(),
                              "has no input port '" + c.target_port + "'"};
        }
        if (out < 0 || in < 0) {
            continue; // nothing can travel: the source never emits or the target never listens
        }
        event_target wired{member_ref{&target_kind, c.target->index}, in, c.delay, -1, 0.0};
        if (!c.override_property.empty()) {
            wired.property_column = target_kind.column(c.override_property);
            wired.property_value = c.override_value;
        }
        source.output_ports[static_cast<std::size_t>(out)]
            .targets[static_cast<std::size_t>(c.source->index)]
            .push_back(wired);
    }
    rt.schedule = plan_schedule(graph, graph.connections(), optimise);
    for (auto& k : rt.kinds) {
        for (auto& column : k->columns) {
            k->column_data.push_back(column.data()); // columns are never resized from here on
        }
    }
    return rt;
}

} // namespace sf::lems::engine
