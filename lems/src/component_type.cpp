#include <algorithm>

#include <sf/lems/component_type.hpp>

namespace sf::lems {
namespace {

template <typename Container, typename Name>
auto find_named(const Container& items, const std::string& member, Name name_of)
    -> decltype(&*items.begin()) {
    const auto it = std::find_if(items.begin(), items.end(),
                                 [&](const auto& item) { return name_of(item) == member; });
    return it == items.end() ? nullptr : &*it;
}

bool contains(const std::vector<std::string>& names, const std::string& member) {
    return std::find(names.begin(), names.end(), member) != names.end();
}

} // namespace

bool component_type::is_or_extends(const std::string& type_name) const {
    for (const component_type* type = this; type != nullptr; type = type->base) {
        if (type->name == type_name) {
            return true;
        }
    }
    return false;
}

const dimensioned_name* component_type::find_parameter(const std::string& member) const {
    return find_named(parameters, member, [](const auto& p) { return p.name; });
}
const derived_parameter_decl* component_type::find_derived_parameter(const std::string& member) const {
    return find_named(derived_parameters, member, [](const auto& p) { return p.decl.name; });
}
const constant_decl* component_type::find_constant(const std::string& member) const {
    return find_named(constants, member, [](const auto& c) { return c.decl.name; });
}
const dimensioned_name* component_type::find_exposure(const std::string& member) const {
    return find_named(exposures, member, [](const auto& e) { return e.name; });
}
const dimensioned_name* component_type::find_requirement(const std::string& member) const {
    return find_named(requirements, member, [](const auto& r) { return r.name; });
}
const property_decl* component_type::find_property(const std::string& member) const {
    return find_named(properties, member, [](const auto& p) { return p.decl.name; });
}
const child_decl* component_type::find_child(const std::string& member) const {
    return find_named(children, member, [](const auto& c) { return c.name; });
}
const child_decl* component_type::find_attachments(const std::string& member) const {
    return find_named(attachments, member, [](const auto& a) { return a.name; });
}
const reference_decl* component_type::find_reference(const std::string& member) const {
    if (const auto* found = find_named(component_references, member, [](const auto& r) { return r.name; })) {
        return found;
    }
    return find_named(links, member, [](const auto& r) { return r.name; });
}
const event_port_decl* component_type::find_event_port(const std::string& member) const {
    return find_named(event_ports, member, [](const auto& p) { return p.name; });
}
bool component_type::has_text(const std::string& member) const { return contains(texts, member); }
bool component_type::has_path(const std::string& member) const { return contains(paths, member); }
bool component_type::has_index_parameter(const std::string& member) const {
    return contains(index_parameters, member);
}

} // namespace sf::lems
