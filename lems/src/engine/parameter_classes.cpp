#include <algorithm>

#include "parameter_classes.hpp"

namespace sf::lems::engine {

bool differ_in_parameters_only(const component& a, const component& b) {
    if (&a == &b) {
        return true;
    }
    if (a.type == nullptr || a.type != b.type || !a.children.empty() || !b.children.empty() ||
        a.texts != b.texts || a.references != b.references || a.properties != b.properties ||
        a.parameters.size() != b.parameters.size()) {
        return false;
    }
    return std::equal(a.parameters.begin(), a.parameters.end(), b.parameters.begin(),
                      [](const auto& x, const auto& y) { return x.first == y.first; });
}

const component* parameter_classes::representative(const component* c) {
    if (const auto it = known_.find(c); it != known_.end()) {
        return it->second;
    }
    std::vector<const component*>& seen = by_type_[c->type];
    const auto found = std::find_if(seen.begin(), seen.end(), [c](const component* first) {
        return differ_in_parameters_only(*first, *c);
    });
    const component* chosen = found != seen.end() ? *found : c;
    if (found == seen.end()) {
        seen.push_back(c);
    }
    known_.emplace(c, chosen);
    return chosen;
}

} // namespace sf::lems::engine
