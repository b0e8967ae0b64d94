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

std::string component::chain() const {
    std::vector<const component*> path;
    for (const component* c = this; c != nullptr; c = c->parent) {
        path.push_back(c);
    }
    std::string text;
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        const component& c = **it;
        text += (text.empty() ? "" : " > ") + c.element;
        if (!c.id.empty()) {
            text += " " + c.id;
        }
    }
    // Without an id, the outermost unnamed element alone would be ambiguous; its line says which.
    if (id.empty() && parent == nullptr) {
        text = label();
    }
    return text;
}

} // namespace sf::lems
