#include <sf/lems/component.hpp>

namespace sf::lems {

const std::string* component::attribute(const std::string& name) const {
    for (const auto& [key, value] : attributes) {
        if (key == name) {
            return &value;
        }
    }
    return nullptr;
}

const component* component::child(const std::string& role_or_id) const {
    for (const auto& c : children) {
        if (c->role == role_or_id || (!c->id.empty() && c->id == role_or_id)) {
            return c.get();
        }
    }
    return nullptr;
}

std::string component::label() const {
    if (!id.empty()) {
        return id;
    }
    return "<" + element + "> at " + where.str();
}

} // namespace sf::lems
