#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "resolve.hpp"

namespace sf::lems {
namespace {

// The most instances one MultiInstantiate (a population) may create: far beyond any network the
// reference simulator or the hardware can run, far below what would exhaust memory.
constexpr double max_instances_per_multi_instantiate = 1e6;

// The longest chain of ComponentTypes extending each other, or of derived variables using each
// other, that is followed; real models stay below ten.
constexpr int max_chain_length = 1000;

template <typename Item, typename Name>
void inherit(std::vector<Item>& own, const std::vector<Item>& inherited, Name name_of) {
    for (const Item& item : inherited) {
        const bool overridden = std::any_of(
            own.begin(), own.end(), [&](const Item& o) { return name_of(o) == name_of(item); });
        if (!overridden) {
            own.push_back(item);
        }
    }
}

std::string join(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "" : ", ") + name;
    }
    return text.empty() ? "(none)" : text;
}

class resolver {
public:
    resolver(model& m, diagnostics& problems) : model_(m), problems_(problems) {}

    void run() {
        model_.index();
        report_duplicate_types();
        for (auto& type : model_.types) {
            resolve_type(*type);
        }
        for (auto& type : model_.types) {
            check_type_expressions(*type);
        }
        for (auto& c : model_.components) {
            resolve_component(*c, nullptr);
        }
        for (auto& c : model_.components) {
            resolve_references(*c);
        }
        release_attributes();
        // Targets naming no component are reported by the loader, which knows their lines.
    }

private:
    // Once resolved, every attribute lives on as a parameter, text, reference or property, so the
    // raw list is dropped — it is most of the memory of a network with millions of connections —
    // except where another component `extends` this one and still reads it.
    void release_attributes() {
        std::set<std::string> prototypes;
        std::function<void(const component&)> find = [&](const component& c) {
            if (!c.prototype.empty()) {
                prototypes.insert(c.prototype);
            }
            for (const auto& child : c.children) {
                find(*child);
            }
        };
        std::function<void(component&)> release = [&](component& c) {
            if (c.type != nullptr && (c.id.empty() || prototypes.count(c.id) == 0)) {
                std::vector<std::pair<std::string, std::string>>().swap(c.attributes);
            }
            for (auto& child : c.children) {
                release(*child);
            }
        };
        for (const auto& c : model_.components) {
            find(*c);
        }
        for (auto& c : model_.components) {
            release(*c);
        }
    }

    void report(const source_location& where, const std::string& element,
                const std::string& message) {
        problems_.add(parse_error{where, element, message});
    }

    // Dimensional inconsistencies in libraries found on the include path are reported as warnings:
    // the user cannot fix them, and the reference simulator runs them as written.
    void report_dimension(const source_location& where, const std::string& element,
                          const std::string& message) {
        const auto& libraries = model_.library_files;
        if (std::find(libraries.begin(), libraries.end(), where.file) != libraries.end()) {
            problems_.warn(parse_error{where, element, message});
        } else {
            problems_.add(parse_error{where, element, message});
        }
    }

    void report_duplicate_types() {
        std::map<std::string, const component_type*> seen;
        for (const auto& type : model_.types) {
            auto [it, inserted] = seen.emplace(type->name, type.get());
            if (!inserted) {
                report(type->where, "ComponentType " + type->name,
                       "defined again (first defined at " + it->second->where.str() + ")");
            }
        }
    }

    std::optional<dimension> dimension_named(const std::string& name, const source_location& where,
                                             const std::string& element) {
        if (name.empty() || name == "none") {
            return dimension::none();
        }
        if (name == "*") {
            return std::nullopt; // any dimension
        }
        if (const dimension* dim = model_.units.find_dimension(name)) {
            return *dim;
        }
        report(where, element, "unknown dimension '" + name + "'");
        return dimension::none();
    }

    void resolve_dimension(dimensioned_name& decl, const std::string& type_name) {
        if (auto dim = dimension_named(decl.dimension_name, decl.where,
                                       "ComponentType " + type_name + ": " + decl.name)) {
            decl.dim = *dim;
        }
    }

    // Resolves a type after the types it extends. The chain is followed in a loop, not by
    // recursion, so that its length costs no stack; chains beyond max_chain_length are cut.
    void resolve_type(component_type& type) {
        struct link {
            component_type* type;
            component_type* base;
        };
        std::vector<link> chain;
        for (component_type* at = &type; at != nullptr && resolved_types_.count(at) == 0;) {
            if (resolving_types_.count(at) != 0) {
                report(at->where, "ComponentType " + at->name,
                       "extends itself through '" + at->extends + "'");
                at->extends.clear();
                break;
            }
            if (chain.size() > static_cast<std::size_t>(max_chain_length) && !at->extends.empty()) {
                report(at->where, "ComponentType " + at->name,
                       "extends through a chain of more than " + std::to_string(max_chain_length) +
                           " ComponentTypes");
                at->extends.clear();
            }
            resolving_types_.insert(at);
            component_type* base = nullptr;
            if (!at->extends.empty()) {
                base = const_cast<component_type*>(model_.find_type(at->extends));
                if (base == nullptr) {
                    report(at->where, "ComponentType " + at->name,
                           "extends unknown ComponentType '" + at->extends + "'");
                }
            }
            chain.push_back({at, base});
            at = base;
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            if (it->base != nullptr) {
                it->type->base = it->base;
                inherit_members(*it->type, *it->base);
            }
            resolve_members(*it->type);
        }
    }

    // The dimensions and constants of a type whose base, if any, is resolved.
    void resolve_members(component_type& type) {
        for (auto& decl : type.parameters) {
            resolve_dimension(decl, type.name);
        }
        for (auto& decl : type.derived_parameters) {
            resolve_dimension(decl.decl, type.name);
        }
        for (auto& decl : type.exposures) {
            resolve_dimension(decl, type.name);
        }
        for (auto& decl : type.requirements) {
            resolve_dimension(decl, type.name);
        }
        for (auto& decl : type.properties) {
            resolve_dimension(decl.decl, type.name);
        }
        for (auto& decl : type.constants) {
            resolve_dimension(decl.decl, type.name);
            try {
                const quantity q = model_.units.parse_quantity(decl.value_text);
                decl.si_value = q.si_value;
                if (q.dim != decl.decl.dim && decl.decl.dimension_name != "*") {
                    report(decl.decl.where,
                           "ComponentType " + type.name + ": Constant " + decl.decl.name,
                           "value '" + decl.value_text + "' has dimension " + q.dim.str() +
                               " but the constant is declared as " + decl.decl.dimension_name);
                }
            } catch (const expression_error& e) {
                report(decl.decl.where,
                       "ComponentType " + type.name + ": Constant " + decl.decl.name, e.what());
            }
        }
        if (type.dynamics) {
            for (auto& sv : type.dynamics->state_variables) {
                resolve_dimension(sv.decl, type.name);
            }
            for (auto& dv : type.dynamics->derived_variables) {
                resolve_derived_dimension(dv, type);
            }
            for (auto& regime : type.dynamics->regimes) {
                for (auto& dv : regime.derived_variables) {
                    resolve_derived_dimension(dv, type);
                }
            }
        }
        resolving_types_.erase(&type);
        resolved_types_.insert(&type);
    }

    // A DerivedVariable written without a dimension has its exposure's, or is left unchecked.
    void resolve_derived_dimension(derived_variable_decl& dv, const component_type& type) {
        if (dv.decl.dimension_name.empty()) {
            const dimensioned_name* exposure =
                dv.exposure.empty() ? nullptr : type.find_exposure(dv.exposure);
            dv.decl.dimension_name = exposure != nullptr ? exposure->dimension_name : "*";
        }
        resolve_dimension(dv.decl, type.name);
    }

    static void inherit_members(component_type& type, const component_type& base) {
        auto plain = [](const auto& d) { return d.name; };
        auto nested = [](const auto& d) { return d.decl.name; };
        auto text = [](const std::string& s) { return s; };
        inherit(type.parameters, base.parameters, plain);
        inherit(type.derived_parameters, base.derived_parameters, nested);
        inherit(type.constants, base.constants, nested);
        inherit(type.exposures, base.exposures, plain);
        inherit(type.requirements, base.requirements, plain);
        inherit(type.properties, base.properties, nested);
        inherit(type.index_parameters, base.index_parameters, text);
        inherit(type.texts, base.texts, text);
        inherit(type.paths, base.paths, text);
        inherit(type.component_references, base.component_references, plain);
        inherit(type.links, base.links, plain);
        inherit(type.component_requirements, base.component_requirements, text);
        inherit(type.instance_requirements, base.instance_requirements, text);
        inherit(type.children, base.children, plain);
        inherit(type.attachments, base.attachments, plain);
        inherit(type.event_ports, base.event_ports, plain);
        inherit(type.fixeds, base.fixeds, [](const fixed_decl& f) { return f.parameter; });
    }

    // ---- expression dimensions --------------------------------------------------------------

    // Checks the expressions of one type: every symbol known, every dimension the one declared.
    class type_expressions {
    public:
        type_expressions(resolver& owner, const component_type& type)
            : resolver_(owner), type_(type), element_("ComponentType " + type.name) {
            symbols_["t"] = dimension::of(0, 0, 1, 0);
            for (const auto& p : type.parameters) {
                symbols_[p.name] = any_or(p.dimension_name, p.dim);
            }
            for (const auto& p : type.derived_parameters) {
                symbols_[p.decl.name] = p.decl.dim;
            }
            for (const auto& c : type.constants) {
                symbols_[c.decl.name] = c.decl.dim;
            }
            for (const auto& r : type.requirements) {
                symbols_[r.name] = r.dim;
            }
            for (const auto& p : type.properties) {
                symbols_[p.decl.name] = p.decl.dim;
            }
            for (const auto& name : type.index_parameters) {
                symbols_[name] = dimension::none();
            }
        }

        void check_derived_parameters() {
            for (const auto& p : type_.derived_parameters) {
                if (p.value) {
                    check(*p.value, p.decl.dim, p.decl.where, "DerivedParameter " + p.decl.name);
                }
            }
        }

        void check_dynamics(const dynamics_decl& dyn) {
            dyn_ = &dyn;
            for (const auto& sv : dyn.state_variables) {
                symbols_[sv.decl.name] = sv.decl.dim;
            }
            declare_derived(dyn.derived_variables);
            for (const auto& regime : dyn.regimes) {
                declare_derived(regime.derived_variables);
                regime_names_.insert(regime.name);
            }
            check_derived(dyn.derived_variables);
            check_derivatives(dyn.time_derivatives);
            check_actions(dyn.on_start);
            for (const auto& oc : dyn.on_conditions) {
                check(oc.test, std::nullopt, oc.where, "OnCondition");
                check_actions(oc.actions);
            }
            for (const auto& oe : dyn.on_events) {
                const auto* port = type_.find_event_port(oe.port);
                if (port == nullptr || !port->is_input) {
                    resolver_.report(oe.where, element_,
                                     "OnEvent: '" + oe.port +
                                         "' is not an input EventPort of the type");
                }
                check_actions(oe.actions);
            }
            for (const auto& regime : dyn.regimes) {
                check_derived(regime.derived_variables);
                check_derivatives(regime.time_derivatives);
                check_actions(regime.on_entry);
                for (const auto& oc : regime.on_conditions) {
                    check(oc.test, std::nullopt, oc.where, "OnCondition");
                    check_actions(oc.actions);
                }
            }
        }

    private:
        // A declared dimension, or none to check for "*" (any dimension).
        static std::optional<dimension> any_or(const std::string& dimension_name,
                                               const dimension& dim) {
            return dimension_name == "*" ? std::nullopt : std::optional<dimension>(dim);
        }

        void check(const expression& e, const std::optional<dimension>& expected,
                   const source_location& where, const std::string& what) {
            try {
                for (const auto& name : e.symbols()) {
                    const auto it = symbols_.find(name);
                    if (it == symbols_.end()) {
                        resolver_.report(where, element_,
                                         what + ": unknown symbol '" + name + "' in \"" + e.text() +
                                             "\" (not a parameter, constant, property, "
                                             "requirement, state or derived variable of the type)");
                        return;
                    }
                    if (!it->second) {
                        return; // a parameter of any dimension: nothing to check
                    }
                }
                const dimension actual =
                    e.infer_dimension([&](std::string_view name) -> std::optional<dimension> {
                        const auto it = symbols_.find(std::string(name));
                        if (it == symbols_.end()) {
                            return std::nullopt;
                        }
                        return it->second ? *it->second : dimension::none();
                    });
                if (expected && actual != *expected && !e.is_literal_zero()) {
                    resolver_.report_dimension(where, element_,
                                               what + ": \"" + e.text() + "\" has dimension " +
                                                   actual.str() + " but " + expected->str() +
                                                   " was expected");
                }
            } catch (const expression_error& err) {
                resolver_.report_dimension(where, element_, what + ": " + err.what());
            }
        }

        void declare_derived(const std::vector<derived_variable_decl>& list) {
            for (const auto& dv : list) {
                symbols_[dv.decl.name] = any_or(dv.decl.dimension_name, dv.decl.dim);
            }
        }

        void check_derived(const std::vector<derived_variable_decl>& list) {
            for (const auto& dv : list) {
                const auto declared = any_or(dv.decl.dimension_name, dv.decl.dim);
                if (dv.value) {
                    check(*dv.value, declared, dv.decl.where, "DerivedVariable " + dv.decl.name);
                }
                for (const auto& c : dv.cases) {
                    check(c.value, declared, dv.decl.where,
                          "ConditionalDerivedVariable " + dv.decl.name);
                    if (c.condition) {
                        check(*c.condition, std::nullopt, dv.decl.where,
                              "ConditionalDerivedVariable " + dv.decl.name);
                    }
                }
            }
        }

        std::optional<dimension> state_dimension(const std::string& variable,
                                                 const source_location& where,
                                                 const std::string& what) {
            for (const auto& sv : dyn_->state_variables) {
                if (sv.decl.name == variable) {
                    return sv.decl.dim;
                }
            }
            resolver_.report(where, element_,
                             what + ": '" + variable + "' is not a StateVariable of the type");
            return std::nullopt;
        }

        void check_derivatives(const std::vector<time_derivative_decl>& list) {
            const dimension time = dimension::of(0, 0, 1, 0);
            for (const auto& td : list) {
                if (auto dim = state_dimension(td.variable, td.where, "TimeDerivative")) {
                    // The rate's dimension can overflow for a user's absurd <Dimension>.
                    std::optional<dimension> rate;
                    try {
                        rate = *dim / time;
                    } catch (const expression_error& err) {
                        resolver_.report(td.where, element_,
                                         "TimeDerivative of " + td.variable + ": " + err.what());
                        continue;
                    }
                    check(td.value, rate, td.where, "TimeDerivative of " + td.variable);
                }
            }
        }

        void check_actions(const std::vector<action_decl>& actions) {
            for (const auto& action : actions) {
                if (action.kind == action_kind::assign) {
                    if (auto dim =
                            state_dimension(action.target, action.where, "StateAssignment")) {
                        check(*action.value, *dim, action.where,
                              "StateAssignment to " + action.target);
                    }
                } else if (action.kind == action_kind::event_out) {
                    const auto* port = type_.find_event_port(action.target);
                    if (port == nullptr || port->is_input) {
                        resolver_.report(action.where, element_,
                                         "EventOut: '" + action.target +
                                             "' is not an output EventPort of the type");
                    }
                } else if (regime_names_.count(action.target) == 0) {
                    resolver_.report(action.where, element_,
                                     "Transition: no Regime named '" + action.target + "'");
                }
            }
        }

        resolver& resolver_;
        const component_type& type_;
        const dynamics_decl* dyn_ = nullptr;
        std::string element_;
        std::map<std::string, std::optional<dimension>> symbols_;
        std::set<std::string> regime_names_;
    };

    void check_type_expressions(const component_type& type) {
        type_expressions checker(*this, type);
        checker.check_derived_parameters();
        if (!type.dynamics) {
            return;
        }
        checker.check_dynamics(*type.dynamics);
        check_derived_cycles(type);
    }

    // Derived variables are evaluated in dependency order; a cycle has no order.
    void check_derived_cycles(const component_type& type) {
        std::map<std::string, std::vector<std::string>> uses;
        std::map<std::string, source_location> where;
        for (const auto& dv : type.dynamics->derived_variables) {
            std::vector<std::string> deps;
            if (dv.value) {
                deps = dv.value->symbols();
            }
            for (const auto& c : dv.cases) {
                auto add = c.value.symbols();
                deps.insert(deps.end(), add.begin(), add.end());
                if (c.condition) {
                    add = c.condition->symbols();
                    deps.insert(deps.end(), add.begin(), add.end());
                }
            }
            uses[dv.decl.name] = deps;
            where[dv.decl.name] = dv.decl.where;
        }
        std::map<std::string, int> state; // 0 new, 1 on stack, 2 done
        std::vector<std::string> stack;
        std::function<bool(const std::string&)> visit = [&](const std::string& name) {
            if (uses.count(name) == 0 || state[name] == 2) {
                return false;
            }
            if (state[name] == 1) {
                std::string chain;
                auto it = std::find(stack.begin(), stack.end(), name);
                for (; it != stack.end(); ++it) {
                    chain += *it + " -> ";
                }
                report(where[name], "ComponentType " + type.name,
                       "derived variables depend on each other in a cycle: " + chain + name);
                return true;
            }
            if (stack.size() >= static_cast<std::size_t>(max_chain_length)) {
                // The search recurses along the chain; an absurdly long one would overflow the
                // stack.
                report(where[name], "ComponentType " + type.name,
                       "derived variables depend on each other in a chain of more than " +
                           std::to_string(max_chain_length));
                return true;
            }
            state[name] = 1;
            stack.push_back(name);
            for (const auto& dep : uses[name]) {
                if (visit(dep)) {
                    return true;
                }
            }
            stack.pop_back();
            state[name] = 2;
            return false;
        };
        for (const auto& [name, deps] : uses) {
            if (visit(name)) {
                return;
            }
        }
    }

    // ---- components -------------------------------------------------------------------------

    const component_type* type_for(component& c, const component* parent) {
        std::string name = c.type_name;
        if (name.empty() && !c.prototype.empty()) {
            if (const component* proto = model_.find_component(c.prototype)) {
                name = proto->type_name.empty() ? proto->element : proto->type_name;
            }
        }
        if (name.empty() || name == "Component") {
            name = c.element;
            if (parent != nullptr && parent->type != nullptr) {
                if (const child_decl* slot = parent->type->find_child(c.element)) {
                    name = slot->type;
                }
            }
        }
        c.type_name = name;
        return model_.find_type(name);
    }

    void place_in_parent(component& c, const component& parent) {
        const component_type& ptype = *parent.type;
        if (const child_decl* slot = ptype.find_child(c.element)) {
            if (c.type->is_or_extends(slot->type)) {
                c.role = slot->name;
                return;
            }
            report(c.where, c.element,
                   "is of type " + c.type->name + " but <" + parent.element + "> expects type " +
                       slot->type + " here");
            return;
        }
        for (const child_decl& slot : ptype.children) {
            if (c.type->is_or_extends(slot.type)) {
                c.role = slot.name;
                return;
            }
        }
        std::vector<std::string> accepted;
        for (const child_decl& slot : ptype.children) {
            accepted.push_back(slot.name + " (" + slot.type + ")");
        }
        report(c.where, c.element,
               "is not allowed inside <" + parent.element + "> (a " + ptype.name +
                   " accepts: " + join(accepted) + ")");
    }

    // Each MultiInstantiate creates as many instances as its number parameter says when the
    // network is built. A value that is not a count, or so large that building it would exhaust
    // memory (size="1e9"), is refused here, where the user's text and line are known.
    template <typename ValueOf>
    void check_instance_counts(const component& c, ValueOf& value_of) {
        for (const structure_decl& decl : c.type->structure) {
            if (decl.kind != structure_kind::multi_instantiate) {
                continue;
            }
            const auto it = c.parameters.find(decl.number);
            if (it == c.parameters.end()) {
                continue;
            }
            const double count = it->second;
            if (count >= 0.0 && count <= max_instances_per_multi_instantiate &&
                count == std::floor(count)) {
                continue;
            }
            const std::string* text = value_of(decl.number);
            report(c.where, c.chain(),
                   decl.number + "=\"" + (text != nullptr ? *text : std::to_string(count)) +
                       "\" must be a whole number of instances from 0 to " +
                       std::to_string(static_cast<long>(max_instances_per_multi_instantiate)));
        }
    }

    // A component's attributes as its type reads them, falling back to the component it
    // extends; remembers which of its own were read.
    struct attribute_reader {
        const component& c;
        const component* proto = nullptr;
        std::set<std::string> used;

        const std::string* operator()(const std::string& name) {
            if (const std::string* v = c.attribute(name)) {
                used.insert(name);
                return v;
            }
            return proto != nullptr ? proto->attribute(name) : nullptr;
        }
    };

    void resolve_component(component& c, component* parent) {
        c.type = type_for(c, parent);
        if (c.type == nullptr) {
            report(c.where, c.element, "unknown component type '" + c.type_name + "'");
            return;
        }
        if (parent != nullptr && parent->type != nullptr) {
            place_in_parent(c, *parent);
        }
        const component* proto = nullptr;
        if (!c.prototype.empty()) {
            proto = model_.find_component(c.prototype);
            if (proto == nullptr) {
                report(c.where, c.element, "extends unknown component '" + c.prototype + "'");
            }
        }
        const component_type& type = *c.type;
        attribute_reader value_of{c, proto, {}};
        resolve_parameters(c, type, value_of);
        check_instance_counts(c, value_of);
        resolve_index_parameters(c, type, value_of);
        resolve_properties_and_texts(c, type, value_of);
        for (const auto& r : type.component_references) {
            if (value_of(r.name) != nullptr) {
                value_of.used.insert(r.name);
            }
        }
        for (const auto& r : type.links) {
            if (value_of(r.name) != nullptr) {
                value_of.used.insert(r.name);
            }
        }
        for (const auto& name : type.component_requirements) {
            if (value_of(name) != nullptr) {
                value_of.used.insert(name);
            }
        }
        report_unknown_attributes(c, type, value_of.used);
        for (auto& child : c.children) {
            resolve_component(*child, &c);
        }
    }

    void resolve_parameters(component& c, const component_type& type, attribute_reader& value_of) {
        for (const auto& p : type.parameters) {
            const std::string* text = value_of(p.name);
            if (text == nullptr) {
                const auto fixed =
                    std::find_if(type.fixeds.begin(), type.fixeds.end(),
                                 [&](const fixed_decl& f) { return f.parameter == p.name; });
                if (fixed != type.fixeds.end()) {
                    text = &fixed->value;
                }
            }
            if (text == nullptr) {
                report(c.where, c.chain(),
                       "missing parameter '" + p.name + "' (" +
                           (p.dimension_name.empty() ? "none" : p.dimension_name) +
                           ") required by " + type.name);
                continue;
            }
            try {
                const quantity q = model_.units.parse_quantity(*text);
                if (p.dimension_name != "*" && q.dim != p.dim) {
                    report(c.where, c.chain(),
                           "parameter " + p.name + "=\"" + *text + "\" has dimension " +
                               q.dim.str() + " but " + type.name + " declares it as " +
                               p.dimension_name + " (" + p.dim.str() + ")");
                    continue;
                }
                c.parameters[p.name] = q.si_value;
            } catch (const expression_error& e) {
                report(c.where, c.chain(), "parameter " + p.name + ": " + e.what());
            }
        }
    }

    void resolve_index_parameters(component& c, const component_type& type,
                                  attribute_reader& value_of) {
        for (const auto& name : type.index_parameters) {
            if (const std::string* text = value_of(name)) {
                char* end = nullptr;
                const long value = std::strtol(text->c_str(), &end, 10);
                if (end == text->c_str() || *end != '\0' || value < 0) {
                    report(c.where, c.chain(),
                           "index " + name + "=\"" + *text + "\" is not a non-negative integer");
                } else {
                    c.parameters[name] = static_cast<double>(value);
                }
            } else {
                report(c.where, c.chain(), "missing index parameter '" + name + "'");
            }
        }
    }

    void resolve_properties_and_texts(component& c, const component_type& type,
                                      attribute_reader& value_of) {
        for (const auto& p : type.properties) {
            if (const std::string* text = value_of(p.decl.name)) {
                try {
                    c.properties[p.decl.name] = model_.units.parse_quantity(*text).si_value;
                } catch (const expression_error& e) {
                    report(c.where, c.chain(), "property " + p.decl.name + ": " + e.what());
                }
            }
        }
        for (const auto& name : type.texts) {
            if (const std::string* text = value_of(name)) {
                c.texts[name] = *text;
            }
        }
        for (const auto& name : type.paths) {
            if (const std::string* text = value_of(name)) {
                c.texts[name] = *text;
            }
        }
    }

    void report_unknown_attributes(const component& c, const component_type& type,
                                   const std::set<std::string>& used) {
        for (const auto& [name, value] : c.attributes) {
            if (used.count(name) == 0) {
                std::vector<std::string> known;
                for (const auto& p : type.parameters) {
                    known.push_back(p.name);
                }
                for (const auto& t : type.texts) {
                    known.push_back(t);
                }
                for (const auto& t : type.paths) {
                    known.push_back(t);
                }
                for (const auto& r : type.component_references) {
                    known.push_back(r.name);
                }
                report(c.where, c.chain(),
                       "unknown attribute '" + name + "' (" + type.name + " has: " + join(known) +
                           ")");
            }
        }
    }

    const component* find_local(const component& c, const std::string& id) {
        for (const component* scope = c.parent; scope != nullptr; scope = scope->parent) {
            for (const auto& sibling : scope->children) {
                if (sibling->id == id) {
                    return sibling.get();
                }
            }
        }
        return model_.find_component(id);
    }

    void resolve_references(component& c) {
        if (c.type != nullptr) {
            auto resolve = [&](const reference_decl& r) {
                const std::string* id = c.attribute(r.name);
                if (id == nullptr && !c.prototype.empty()) {
                    if (const component* proto = model_.find_component(c.prototype)) {
                        id = proto->attribute(r.name);
                    }
                }
                if (id == nullptr) {
                    return;
                }
                const component* target = r.local ? find_local(c, *id) : model_.find_component(*id);
                if (target == nullptr) {
                    target = find_local(c, *id);
                }
                if (target == nullptr) {
                    report(c.where, c.chain(),
                           r.name + "=\"" + *id + "\" refers to no component with that id");
                    return;
                }
                if (!r.type.empty() && r.type != "Component" && target->type != nullptr &&
                    !target->type->is_or_extends(r.type)) {
                    // Common in published models and accepted by the reference simulator.
                    problems_.warn(parse_error{c.where, c.chain(),
                                               r.name + "=\"" + *id + "\" is of type " +
                                                   target->type->name + ", not " + r.type});
                }
                c.references[r.name] = target;
            };
            for (const auto& r : c.type->component_references) {
                resolve(r);
            }
            for (const auto& r : c.type->links) {
                resolve(r);
            }
            for (const auto& name : c.type->component_requirements) {
                resolve(reference_decl{name, "", true, {}});
            }
        }
        for (auto& child : c.children) {
            resolve_references(*child);
        }
    }

    model& model_;
    diagnostics& problems_;
    std::set<const component_type*> resolved_types_;
    std::set<const component_type*> resolving_types_;
};

} // namespace

void resolve_model(model& m, diagnostics& problems) { resolver(m, problems).run(); }

} // namespace sf::lems
