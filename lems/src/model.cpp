#include <functional>

#include <sf/lems/model.hpp>

namespace sf::lems {

const component_type* model::find_type(const std::string& name) const {
    const auto it = type_index_.find(name);
    return it == type_index_.end() ? nullptr : it->second;
}

const component* model::find_component(const std::string& id) const {
    const auto it = component_index_.find(id);
    return it == component_index_.end() ? nullptr : it->second;
}

void model::index() {
    type_index_.clear();
    for (const auto& type : types) {
        type_index_.emplace(type->name, type.get()); // the first definition wins
    }
    component_index_.clear();
    // Top-level components take precedence over nested ones with the same id.
    for (const auto& c : components) {
        if (!c->id.empty()) {
            component_index_.emplace(c->id, c.get());
        }
    }
    std::function<void(const component&)> visit = [&](const component& c) {
        for (const auto& child : c.children) {
            if (!child->id.empty()) {
                component_index_.emplace(child->id, child.get());
            }
            visit(*child);
        }
    };
    for (const auto& c : components) {
        visit(*c);
    }
}

} // namespace sf::lems
