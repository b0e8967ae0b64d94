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
const constant_decl* component_type::find_constant(const std::string& member) const {
    return find_named(constants, member, [](const auto& c) { return c.decl.name; });
}
const dimensioned_name* component_type::find_exposure(const std::string& member) const {
    return find_named(exposures, member, [](const auto& e) { return e.name; });
}
const child_decl* component_type::find_child(const std::string& member) const {
    return find_named(children, member, [](const auto& c) { return c.name; });
}
const child_decl* component_type::find_attachments(const std::string& member) const {
    return find_named(attachments, member, [](const auto& a) { return a.name; });
}
const event_port_decl* component_type::find_event_port(const std::string& member) const {
    return find_named(event_ports, member, [](const auto& p) { return p.name; });
}

} // namespace sf::lems
