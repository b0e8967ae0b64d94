#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <set>

#include "instance_graph.hpp"
#include "linearity.hpp"

namespace sf::lems::engine {
namespace {

bool parse_index(const std::string& text, std::size_t& index) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    index = static_cast<std::size_t>(std::strtoull(text.c_str(), nullptr, 10));
    return true;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::string current;
    int brackets = 0;
    for (char c : path) {
        if (c == '[') {
            ++brackets;
        } else if (c == ']') {
            --brackets;
        }
        if (c == '/' && brackets == 0) {
            if (!current.empty()) {
                parts.push_back(current);
            }
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) {
        parts.push_back(current);
    }
    return parts;
}

const std::string* member_text(const component& c, const std::string& name) {
    if (const auto it = c.texts.find(name); it != c.texts.end()) {
        return &it->second;
    }
    return c.attribute(name);
}

} // namespace

instance_graph::instance_graph(const component& root) {
    root_ = create(&root, nullptr, "");
    connect(root_);
}

instance* instance_graph::create(const component* comp, instance* parent, const std::string& role) {
    int depth = 0;
    for (const instance* up = parent; up != nullptr; up = up->parent) {
        if (++depth > max_depth) {
            throw parse_error{comp->where, comp->chain(),
                              "the structure nests more than " + std::to_string(max_depth) +
                                  " levels deep; does a component instantiate itself?"};
        }
    }
    if (storage_.size() >= max_instances) {
        throw parse_error{comp->where, comp->chain(),
                          "the network needs more than " + std::to_string(max_instances) +
                              " instances"};
    }
    instance& inst = storage_.emplace_back();
    inst.comp = comp;
    inst.parent = parent;
    inst.role = role;
    for (const auto& [name, value] : comp->properties) {
        inst.properties[name] = value;
    }
    for (const auto& child : comp->children) {
        if (child->type != nullptr && !builds_only(*child)) {
            add_child(&inst, create(child.get(), &inst, child->role));
        }
    }
    for (const structure_decl& decl : comp->type->structure) {
        if (decl.kind == structure_kind::child_instance) {
            const component* target = referenced(&inst, decl.component, decl.where);
            instance* created = create(target, &inst, decl.component);
            add_child(&inst, created);
            std::string name = decl.component;
            while (name.rfind("../", 0) == 0) {
                name = name.substr(3);
            }
            inst.named[name] = created;
        } else if (decl.kind == structure_kind::multi_instantiate) {
            if (!decl.component_type.empty()) {
                throw parse_error{
                    decl.where, comp->chain(),
                    "MultiInstantiate by componentType is not supported; use component="};
            }
            const component* target = referenced(&inst, decl.component, decl.where);
            const double count = parameter_or_zero(&inst, decl.number);
            if (count < 0 || count != std::floor(count)) {
                throw parse_error{comp->where, comp->chain(),
                                  decl.number + " must be a non-negative whole number, not " +
                                      std::to_string(count)};
            }
            // Refused before anything is allocated, so that a typo cannot exhaust the machine.
            if (static_cast<double>(storage_.size()) + count > static_cast<double>(max_instances)) {
                throw parse_error{comp->where, comp->chain(),
                                  "the network needs more than " + std::to_string(max_instances) +
                                      " instances"};
            }
            for (int k = 0; k < static_cast<int>(count); ++k) {
                const std::size_t before = storage_.size();
                instance* created = create(target, &inst, "");
                inst.multi.push_back(created);
                add_child(&inst, created);
                // Every member builds the same subtree; nested counts are refused after the first.
                const double per_member = static_cast<double>(storage_.size() - before);
                if (k == 0 && static_cast<double>(storage_.size()) + (count - 1) * per_member >
                                  static_cast<double>(max_instances)) {
                    throw parse_error{comp->where, comp->chain(),
                                      "the network needs more than " +
                                          std::to_string(max_instances) + " instances (" +
                                          std::to_string(static_cast<long long>(count)) + " x " +
                                          std::to_string(static_cast<long long>(per_member)) +
                                          " in " + decl.number + ")"};
                }
            }
        }
    }
    return &inst;
}

void instance_graph::add_child(instance* parent, instance* child) {
    parent->children.push_back(child);
    if (!child->comp->id.empty()) {
        parent->child_by_id.emplace(child->comp->id, child);
    }
    parent->children_by_role[child->role].push_back(child);
}

const component* instance_graph::referenced(const instance* inst, const std::string& name,
                                            const source_location& where) const {
    std::string member = name;
    const instance* scope = inst;
    while (member.rfind("../", 0) == 0) {
        member = member.substr(3);
        scope = scope->parent != nullptr ? scope->parent : scope;
    }
    // A ComponentRequirement is satisfied by the nearest enclosing component that names it.
    for (; scope != nullptr; scope = scope->parent) {
        const auto it = scope->comp->references.find(member);
        if (it != scope->comp->references.end()) {
            return it->second;
        }
    }
    throw parse_error{inst->comp->where, inst->comp->chain(),
                      "needs a component reference '" + member + "' (used by the structure at " +
                          where.str() + ")"};
}

std::string instance_graph::text_or_literal(const instance* inst, const std::string& name) const {
    if (const std::string* text = member_text(*inst->comp, name)) {
        return *text;
    }
    return name;
}

double instance_graph::parameter_or_zero(const instance* inst, const std::string& name) const {
    // A derived parameter sees the parameters, constants and the derived parameters declared
    // before it, as when the runtime fills its columns; that order also rules out cycles.
    const auto& derived = inst->type().derived_parameters;
    std::function<double(const std::string&, std::size_t)> value_before =
        [&](const std::string& member, std::size_t limit) {
            const auto own = inst->comp->parameters.find(member);
            if (own != inst->comp->parameters.end()) {
                return own->second;
            }
            if (const auto* constant = inst->type().find_constant(member)) {
                return constant->si_value;
            }
            for (std::size_t d = 0; d < limit; ++d) {
                if (derived[d].decl.name == member && derived[d].value) {
                    return derived[d].value->evaluate(
                        [&](std::string_view used) { return value_before(std::string(used), d); });
                }
            }
            return 0.0;
        };
    return value_before(name, derived.size());
}

instance* instance_graph::attach(const component* comp, instance* target, const std::string& set,
                                 const source_location& where) {
    std::string container = set;
    const auto& sets = target->type().attachments;
    if (container.empty()) {
        if (sets.empty()) {
            throw parse_error{where, target->comp->chain(),
                              "type " + target->type().name + " has no Attachments to receive " +
                                  comp->type->name};
        }
        container = sets.front().name;
    } else if (target->type().find_attachments(container) == nullptr) {
        throw parse_error{where, target->comp->chain(),
                          "has no attachment set '" + container + "'"};
    }
    instance* created = create(comp, target, container);
    target->attachments.push_back(created);
    connect(created); // its own Structure (an input driving its synapse) is wired on creation
    return created;
}

bool instance_graph::builds_only(const component& comp) {
    const component_type& type = *comp.type;
    if (type.dynamics || !comp.children.empty() || type.structure.empty()) {
        return false;
    }
    // Anything that could keep a reference to the component's own instance needs a real one.
    return std::none_of(type.structure.begin(), type.structure.end(),
                        [](const structure_decl& decl) {
                            return decl.kind == structure_kind::child_instance ||
                                   decl.kind == structure_kind::multi_instantiate ||
                                   decl.kind == structure_kind::for_each ||
                                   (decl.kind == structure_kind::with && decl.instance == "this");
                        });
}

void instance_graph::connect(instance* inst) {
    std::map<std::string, instance*> aliases;
    for (const structure_decl& decl : inst->type().structure) {
        run_connection_builder(inst, decl, aliases);
    }
    // Children in document order. A connection or input only builds: it runs its structure on a
    // stand-in instance and leaves nothing in the tree, which saves a node per connection.
    std::size_t next_child = 0;
    for (const auto& child : inst->comp->children) {
        if (child->type == nullptr) {
            continue;
        }
        if (builds_only(*child)) {
            instance stand_in;
            stand_in.comp = child.get();
            stand_in.parent = inst;
            stand_in.role = child->role;
            std::map<std::string, instance*> child_aliases;
            for (const structure_decl& decl : child->type->structure) {
                run_connection_builder(&stand_in, decl, child_aliases);
            }
        } else {
            connect(inst->children[next_child++]);
        }
    }
    // Instances made by ChildInstance and MultiInstantiate follow the component children.
    for (; next_child < inst->children.size(); ++next_child) {
        connect(inst->children[next_child]);
    }
}

void instance_graph::run_connection_builder(instance* inst, const structure_decl& decl,
                                            std::map<std::string, instance*>& aliases) {
    switch (decl.kind) {
    case structure_kind::with:
        aliases[decl.as] =
            decl.instance.empty() ? population_member(inst, decl) : with_instance(inst, decl);
        break;
    case structure_kind::event_connection: add_event_connection(inst, decl, aliases); break;
    case structure_kind::tunnel: {
        const component& comp = *inst->comp;
        instance* end_a = alias(aliases, decl.end_a, decl, comp);
        instance* end_b = alias(aliases, decl.end_b, decl, comp);
        instance* a = attach(referenced(inst, decl.component_a, decl.where), end_a, "", comp.where);
        instance* b = attach(referenced(inst, decl.component_b, decl.where), end_b, "", comp.where);
        a->named[decl.name] = b;
        b->named[decl.name] = a;
        assign_properties(inst, decl, a);
        assign_properties(inst, decl, b);
        break;
    }
    case structure_kind::for_each: {
        const auto targets = resolve(inst, text_or_literal(inst, decl.instances));
        for (instance* item : targets) {
            aliases[decl.as] = item;
            for (const structure_decl& inner : decl.body) {
                run_connection_builder(inst, inner, aliases);
            }
        }
        aliases.erase(decl.as);
        break;
    }
    case structure_kind::child_instance:
    case structure_kind::multi_instantiate: break; // built by create()
    }
}

instance* instance_graph::alias(const std::map<std::string, instance*>& aliases,
                                const std::string& name, const structure_decl& decl,
                                const component& comp) {
    const auto it = aliases.find(name);
    if (it == aliases.end()) {
        throw parse_error{decl.where, comp.chain(), "no With or ForEach defines '" + name + "'"};
    }
    return it->second;
}

void instance_graph::assign_properties(const instance* inst, const structure_decl& decl,
                                       instance* receiver) const {
    for (const assign_decl& assign : decl.assigns) {
        receiver->properties[assign.property] = assign.value.evaluate(
            [&](std::string_view name) { return parameter_or_zero(inst, std::string(name)); });
    }
}

instance* instance_graph::with_instance(instance* inst, const structure_decl& decl) const {
    const std::string path = text_or_literal(inst, decl.instance);
    if (path == "this") {
        return inst;
    }
    if (path == "parent" && inst->parent != nullptr) {
        return inst->parent;
    }
    const auto found = resolve(inst, path, true);
    if (found.size() != 1) {
        const component& comp = *inst->comp;
        throw parse_error{comp.where, comp.chain(),
                          decl.instance + " \"" + path + "\" " +
                              (found.empty() ? "refers to no cell or component in the network"
                                             : "refers to more than one instance")};
    }
    return found.front();
}

instance* instance_graph::population_member(instance* inst, const structure_decl& decl) const {
    const component& comp = *inst->comp;
    const component* population = referenced(inst, decl.list, decl.where);
    instance* population_instance = nullptr;
    for (instance* scope = inst; scope != nullptr && population_instance == nullptr;
         scope = scope->parent) {
        for (instance* candidate : scope->children) {
            if (candidate->comp == population) {
                population_instance = candidate;
                break;
            }
        }
    }
    if (population_instance == nullptr) {
        throw parse_error{comp.where, comp.chain(),
                          "population '" + population->label() + "' is not in the network"};
    }
    const double index = parameter_or_zero(inst, decl.index);
    if (index < 0 || index >= static_cast<double>(population_instance->multi.size())) {
        throw parse_error{comp.where, comp.chain(),
                          decl.index + "=" + std::to_string(static_cast<long>(index)) +
                              " is out of range for population '" + population->label() +
                              "' of size " + std::to_string(population_instance->multi.size())};
    }
    return population_instance->multi[static_cast<std::size_t>(index)];
}

void instance_graph::add_event_connection(instance* inst, const structure_decl& decl,
                                          const std::map<std::string, instance*>& aliases) {
    const component& comp = *inst->comp;
    instance* from = alias(aliases, decl.from, decl, comp);
    instance* to = alias(aliases, decl.to, decl, comp);
    instance* target = to;
    if (!decl.receiver.empty()) {
        const component* receiver = referenced(inst, decl.receiver, decl.where);
        std::string container;
        if (!decl.receiver_container.empty()) {
            if (const std::string* text = member_text(comp, decl.receiver_container)) {
                container = *text;
            }
        }
        target = attach(receiver, to, container, comp.where);
        assign_properties(inst, decl, target);
    }
    pending_connection connection;
    connection.source = from;
    connection.target = target;
    connection.where = comp.where;
    connection.created_target = target != to;
    if (connection.created_target) {
        for (const assign_decl& assign : decl.assigns) {
            connection.assigned[assign.property] = target->properties[assign.property];
        }
    }
    if (!decl.source_port.empty()) {
        if (const std::string* text = member_text(comp, decl.source_port)) {
            connection.source_port = *text;
        }
    }
    if (!decl.target_port.empty()) {
        if (const std::string* text = member_text(comp, decl.target_port)) {
            connection.target_port = *text;
        }
    }
    if (!decl.delay.empty()) {
        connection.delay = parameter_or_zero(inst, decl.delay);
    }
    connections_.push_back(connection);
}

namespace {

// set:component:index names the index-th attachment of that component in that set.
std::vector<instance*> attachment_step(instance* from, const std::string& segment,
                                       std::size_t colon) {
    const auto second = segment.find(':', colon + 1);
    const std::string set = segment.substr(0, colon);
    const std::string id = segment.substr(
        colon + 1, second == std::string::npos ? std::string::npos : second - colon - 1);
    std::size_t wanted = 0;
    if (second != std::string::npos && !parse_index(segment.substr(second + 1), wanted)) {
        return {};
    }
    std::size_t seen = 0;
    for (instance* attached : from->attachments) {
        if (attached->role == set && attached->comp->id == id && seen++ == wanted) {
            return {attached};
        }
    }
    return {};
}

// The instance a name denotes in a scope: a child by id, a named child or Tunnel peer, an
// attachment by id, or the first child in that role.
instance* by_name(instance* scope, const std::string& name) {
    if (const auto it = scope->child_by_id.find(name); it != scope->child_by_id.end()) {
        return it->second;
    }
    if (const auto it = scope->named.find(name); it != scope->named.end()) {
        return it->second;
    }
    for (instance* attached : scope->attachments) {
        if (attached->comp->id == name) {
            return attached;
        }
    }
    if (const auto it = scope->children_by_role.find(name); it != scope->children_by_role.end()) {
        return it->second.front();
    }
    return nullptr;
}

// The children and attachments of a scope in a role.
std::vector<instance*> in_role(instance* scope, const std::string& name) {
    std::vector<instance*> list;
    if (const auto it = scope->children_by_role.find(name); it != scope->children_by_role.end()) {
        list = it->second;
    }
    for (instance* attached : scope->attachments) {
        if (attached->role == name) {
            list.push_back(attached);
        }
    }
    return list;
}

// A predicate such as ion='ca': keeps the members whose text or attribute has that value.
std::vector<instance*> matching(const std::vector<instance*>& list, const std::string& selector) {
    const auto equals = selector.find('=');
    if (equals == std::string::npos) {
        return {};
    }
    const std::string key = selector.substr(0, equals);
    std::string value = selector.substr(equals + 1);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"')) {
        value = value.substr(1, value.size() - 2);
    }
    std::vector<instance*> kept;
    for (instance* item : list) {
        const std::string* text = member_text(*item->comp, key);
        if (text != nullptr && *text == value) {
            kept.push_back(item);
        }
    }
    return kept;
}

// name without a selector: by name, as an index into a MultiInstantiate, or the one in a role.
std::vector<instance*> unselected(instance* from, const std::string& name) {
    if (instance* found = by_name(from, name)) {
        return {found};
    }
    std::size_t index = 0;
    if (parse_index(name, index) && index < from->multi.size()) {
        return {from->multi[index]};
    }
    auto list = in_role(from, name);
    if (list.size() == 1) {
        return list;
    }
    return {};
}

} // namespace

std::vector<instance*> instance_graph::step(instance* from, const std::string& segment) const {
    if (segment == "..") {
        return from->parent != nullptr ? std::vector<instance*>{from->parent}
                                       : std::vector<instance*>{};
    }
    if (segment == ".") {
        return {from};
    }
    if (const auto colon = segment.find(':'); colon != std::string::npos) {
        return attachment_step(from, segment, colon);
    }
    std::string name = segment;
    std::string selector;
    if (const auto open = segment.find('['); open != std::string::npos && segment.back() == ']') {
        name = segment.substr(0, open);
        selector = segment.substr(open + 1, segment.size() - open - 2);
    }
    if (selector.empty()) {
        return unselected(from, name);
    }
    std::size_t index = 0;
    if (parse_index(selector, index)) {
        if (instance* holder = by_name(from, name); holder != nullptr && !holder->multi.empty()) {
            return index < holder->multi.size() ? std::vector<instance*>{holder->multi[index]}
                                                : std::vector<instance*>{};
        }
        auto list = in_role(from, name);
        return index < list.size() ? std::vector<instance*>{list[index]} : std::vector<instance*>{};
    }
    std::vector<instance*> list = in_role(from, name);
    if (list.empty()) {
        if (instance* holder = by_name(from, name); holder != nullptr) {
            list = holder->multi;
        }
    }
    if (selector == "*") {
        return list;
    }
    return matching(list, selector);
}

std::vector<instance*> instance_graph::resolve(instance* from, const std::string& path,
                                               bool search_enclosing) const {
    std::vector<instance*> current{from};
    bool first_name = true;
    for (const std::string& segment : split_path(path)) {
        std::vector<instance*> next;
        for (instance* inst : current) {
            auto found = step(inst, segment);
            for (instance* scope = inst->parent;
                 search_enclosing && found.empty() && first_name && scope != nullptr;
                 scope = scope->parent) {
                found = step(scope, segment);
            }
            next.insert(next.end(), found.begin(), found.end());
        }
        if (segment != ".." && segment != ".") {
            first_name = false;
        }
        current = std::move(next);
        if (current.empty()) {
            break;
        }
    }
    return current;
}

std::set<std::string> roles_selected_without_reduce(const component_type& type) {
    std::set<std::string> roles;
    if (!type.dynamics) {
        return roles;
    }
    for (const auto& dv : type.dynamics->derived_variables) {
        if (!dv.select.empty() && dv.reduce.empty()) {
            roles.insert(dv.select.substr(0, dv.select.find_first_of("[/")));
        }
    }
    return roles;
}

std::size_t instance_graph::merge_superposing(const std::set<const instance*>& observed) {
    // Each attachment learns which connection created it; one that any other connection also
    // targets keeps its identity.
    constexpr int targeted_by_others = -2;
    for (std::size_t c = 0; c < connections_.size(); ++c) {
        instance* target = connections_[c].target;
        if (connections_[c].created_target && target->created_by == -1) {
            target->created_by = static_cast<int>(c);
        } else {
            target->created_by = targeted_by_others;
        }
    }
    auto creator = [&](const instance* inst) -> pending_connection& {
        return connections_[static_cast<std::size_t>(inst->created_by)];
    };
    auto mergeable = [&](const instance* inst) {
        return inst->created_by >= 0 && observed.count(inst) == 0 && inst->named.empty() &&
               inst->children.empty() && creator(inst).assigned.size() <= 1;
    };
    std::map<const component*, bool> superposing;
    std::size_t removed = 0;
    for (instance* cell : preorder()) {
        if (cell->attachments.size() < 2) {
            continue;
        }
        const std::set<std::string> read_singly = roles_selected_without_reduce(cell->type());
        std::map<std::pair<std::string, const component*>, instance*> representative;
        std::map<const instance*, std::string> property_of; // the single assigned property
        std::vector<instance*> kept;
        for (instance* attached : cell->attachments) {
            const auto key = std::make_pair(attached->role, attached->comp);
            auto known = superposing.find(attached->comp);
            if (known == superposing.end()) {
                known = superposing.emplace(attached->comp, superposes(*attached->comp)).first;
            }
            if (!known->second || !mergeable(attached) || read_singly.count(attached->role) != 0) {
                kept.push_back(attached);
                continue;
            }
            pending_connection& own = creator(attached);
            const std::string property =
                own.assigned.empty() ? std::string() : own.assigned.begin()->first;
            const auto existing = representative.find(key);
            if (existing == representative.end() || property_of[existing->second] != property) {
                if (existing == representative.end()) {
                    representative[key] = attached;
                    property_of[attached] = property;
                }
                kept.push_back(attached);
                continue;
            }
            instance* target = existing->second;
            for (pending_connection* c : {&creator(target), &own}) {
                if (!property.empty()) {
                    c->override_property = property;
                    c->override_value = c->assigned.at(property);
                }
            }
            own.target = target;
            ++removed;
        }
        cell->attachments = std::move(kept);
    }
    return removed;
}

void postorder(instance* inst, std::vector<instance*>& out) {
    for (instance* child : inst->children) {
        postorder(child, out);
    }
    for (instance* attached : inst->attachments) {
        postorder(attached, out);
    }
    out.push_back(inst);
}

std::vector<instance*> instance_graph::preorder() const {
    std::vector<instance*> order;
    std::function<void(instance*)> visit = [&](instance* inst) {
        order.push_back(inst);
        for (instance* child : inst->children) {
            visit(child);
        }
        for (instance* attached : inst->attachments) {
            visit(attached);
        }
    };
    visit(root_);
    return order;
}

} // namespace sf::lems::engine
