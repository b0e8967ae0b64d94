#include <functional>
#include <map>
#include <sstream>

#include <sf/lems/model_info.hpp>

namespace sf::lems {
namespace {

std::string si(double value, const char* unit, double scale) {
    std::ostringstream out;
    out << value / scale << ' ' << unit;
    return out.str();
}

std::string text_of(const component& c, const std::string& name) {
    if (const auto it = c.texts.find(name); it != c.texts.end()) {
        return it->second;
    }
    if (const std::string* value = c.attribute(name)) {
        return *value;
    }
    return "";
}

std::size_t population_size(const component& population) {
    if (const auto it = population.parameters.find("size"); it != population.parameters.end()) {
        return static_cast<std::size_t>(it->second);
    }
    std::size_t instances = 0;
    for (const auto& child : population.children) {
        instances += child->type != nullptr && child->type->is_or_extends("instance") ? 1 : 0;
    }
    return instances;
}

void describe_network(const component& network, std::ostream& out) {
    out << "network " << network.id << "\n";
    for (const auto& child : network.children) {
        const component& c = *child;
        if (c.type == nullptr) {
            continue;
        }
        const auto reference = [&](const std::string& name) {
            const auto it = c.references.find(name);
            return it == c.references.end() ? text_of(c, name) : it->second->id;
        };
        if (c.type->is_or_extends("basePopulation")) {
            const auto cell = c.references.find("component");
            out << "  population " << c.id << ": " << population_size(c) << " x "
                << (cell != c.references.end()
                        ? cell->second->id + " (" + cell->second->type_name + ")"
                        : "?")
                << "\n";
        } else if (c.type->is_or_extends("projection") ||
                   c.type->is_or_extends("electricalProjection") ||
                   c.type->is_or_extends("continuousProjection")) {
            out << "  " << c.type->name << " " << c.id << ": "
                << text_of(c, "presynapticPopulation") << " -> "
                << text_of(c, "postsynapticPopulation");
            if (const std::string synapse = reference("synapse"); !synapse.empty()) {
                out << " via " << synapse;
            }
            out << ", " << c.children.size() << " connections\n";
        } else if (c.type->is_or_extends("explicitInput")) {
            out << "  explicitInput " << reference("input") << " -> " << text_of(c, "target")
                << "\n";
        } else if (c.type->is_or_extends("inputList")) {
            out << "  inputList " << c.id << ": " << reference("component") << " -> "
                << text_of(c, "population") << ", " << c.children.size() << " inputs\n";
        } else if (c.type->is_or_extends("explicitConnection")) {
            out << "  " << c.type->name << " " << text_of(c, "from") << " -> " << text_of(c, "to")
                << "\n";
        }
    }
}

} // namespace

std::string describe_model(const model& m) {
    std::ostringstream out;
    std::map<std::string, std::size_t> used;
    std::function<void(const component&)> count = [&](const component& c) {
        ++used[c.type_name];
        for (const auto& child : c.children) {
            count(*child);
        }
    };
    for (const auto& c : m.components) {
        count(*c);
    }
    out << "files: " << m.files.size() << " (" << m.types.size() << " component types defined)\n";
    out << "component types used:\n";
    for (const auto& [name, n] : used) {
        out << "  " << name << " x" << n << "\n";
    }
    for (const auto& c : m.components) {
        if (c->type != nullptr && c->type->is_or_extends("network")) {
            describe_network(*c, out);
        }
    }
    for (const auto& c : m.components) {
        if (c->type == nullptr) {
            continue;
        }
        bool runs = false;
        for (const auto& decl : c->type->simulation) {
            runs = runs || decl.kind == simulation_kind::run;
        }
        if (!runs) {
            continue;
        }
        const auto target = c->references.find("target");
        out << "simulation " << c->id << ": target "
            << (target != c->references.end() ? target->second->id : "?");
        if (const auto it = c->parameters.find("length"); it != c->parameters.end()) {
            out << ", length " << si(it->second, "ms", 1e-3);
        }
        if (const auto it = c->parameters.find("step"); it != c->parameters.end()) {
            out << ", step " << si(it->second, "ms", 1e-3);
        }
        if (const std::string seed = text_of(*c, "seed"); !seed.empty()) {
            out << ", seed " << seed;
        }
        out << "\n";
        for (const auto& child : c->children) {
            if (child->type != nullptr && (child->type->is_or_extends("OutputFile") ||
                                           child->type->is_or_extends("EventOutputFile"))) {
                const bool events = child->type->is_or_extends("EventOutputFile");
                out << "  " << child->type->name << " " << child->id << ": "
                    << text_of(*child, "fileName") << ", " << child->children.size()
                    << (events ? " event sources\n" : " columns\n");
            }
        }
    }
    return out.str();
}

} // namespace sf::lems
