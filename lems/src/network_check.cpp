#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "network_check.hpp"

namespace sf::lems {
namespace {

bool is_a(const component& c, const char* type_name) {
    return c.type != nullptr && c.type->is_or_extends(type_name);
}

const std::string* text_of(const component& c, const std::string& name) {
    const auto it = c.texts.find(name);
    return it != c.texts.end() ? &it->second : c.attribute(name);
}

bool all_digits(const std::string& text) {
    return !text.empty() && text.size() <= 18 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A cell path as NeuroML writes them: "../pop[3]", "pop[3]/cell" or "../pop/3/cell".
struct cell_path {
    std::string population;
    std::optional<std::size_t> index; // absent when the path gives none this check can read
};

cell_path parse_cell_path(const std::string& text) {
    std::string rest = text;
    while (rest.rfind("../", 0) == 0 || rest.rfind("./", 0) == 0) {
        rest = rest.substr(rest[1] == '/' ? 2 : 3);
    }
    cell_path path;
    const std::size_t end = rest.find_first_of("[/");
    path.population = rest.substr(0, end);
    if (end == std::string::npos) {
        return path;
    }
    std::string index;
    if (rest[end] == '[') {
        const std::size_t close = rest.find(']', end);
        index = rest.substr(end + 1, close == std::string::npos ? 0 : close - end - 1);
    } else {
        const std::size_t next = rest.find('/', end + 1);
        index =
            rest.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1);
    }
    if (all_digits(index)) {
        path.index = static_cast<std::size_t>(std::stoull(index));
    }
    return path;
}

struct population_info {
    const component* comp = nullptr;
    std::optional<std::size_t> size;       // known for a population with a valid size, or a list
    bool is_list = false;                  // a populationList: its cells are its <instance>s
    std::vector<std::size_t> instance_ids; // of a populationList, as written
};

// One network's populations, and the checks of the elements that address them.
class network_checker {
public:
    network_checker(const model& m, const component& network, diagnostics& problems)
        : model_(m), network_(network), problems_(problems) {
        for (const auto& child : network.children) {
            if (is_a(*child, "basePopulation") && !child->id.empty()) {
                populations_[child->id] = describe(*child);
                population_order_.push_back(child->id);
            }
        }
    }

    void run() {
        for (const std::string& id : population_order_) {
            check_list_size(populations_.at(id));
        }
        for (const auto& child : network_.children) {
            const component& item = *child;
            if (is_a(item, "projection")) {
                check_projection(item);
            } else if (is_a(item, "electricalProjection") || is_a(item, "continuousProjection")) {
                check_graded_projection(item);
            } else if (is_a(item, "explicitInput")) {
                check_cell(item, "target", nullptr);
            } else if (is_a(item, "inputList")) {
                check_input_list(item);
            }
        }
    }

private:
    static population_info describe(const component& population) {
        population_info info;
        info.comp = &population;
        if (is_a(population, "populationList")) {
            return describe_list(info, population);
        }
        if (!is_a(population, "population")) {
            return info;
        }
        const auto size = population.parameters.find("size");
        if (size != population.parameters.end() && size->second >= 0.0 &&
            size->second == std::floor(size->second) && size->second < 1e15) {
            info.size = static_cast<std::size_t>(size->second);
        }
        return info;
    }

    // A cell of a list is addressed by its instance id ("pop/7/cell") or its place ("pop[2]").
    static population_info describe_list(population_info info, const component& list) {
        info.is_list = true;
        info.size = 0;
        for (const auto& child : list.children) {
            if (is_a(*child, "instance")) {
                ++*info.size;
                if (all_digits(child->id)) {
                    info.instance_ids.push_back(static_cast<std::size_t>(std::stoull(child->id)));
                }
            }
        }
        return info;
    }

    // A list's size attribute is only a note, but one that disagrees with the list is a defect.
    void check_list_size(const population_info& population) {
        const std::string* size = population.is_list ? text_of(*population.comp, "size") : nullptr;
        if (size == nullptr || (all_digits(*size) && std::stoull(*size) == *population.size)) {
            return;
        }
        report(*population.comp,
               "size=\"" + *size + "\" does not match the list: it" + cells_of_list(population));
    }

    static std::string cells_of_list(const population_info& population) {
        const std::size_t size = *population.size;
        if (size == 0) {
            return " lists no instances";
        }
        std::string ids;
        for (std::size_t k = 0; k < population.instance_ids.size() && k < 8; ++k) {
            ids += (k == 0 ? "" : ", ") + std::to_string(population.instance_ids[k]);
        }
        if (population.instance_ids.size() > 8) {
            ids += ", …";
        }
        return " lists " + std::to_string(size) + (size == 1 ? " instance" : " instances") +
               (ids.empty() ? "" : " (ids " + ids + ")");
    }

    void report(const component& c, const std::string& message) {
        problems_.add(parse_error{c.where, c.chain(), message});
    }

    std::string network_name() const {
        return network_.id.empty() ? "the network" : "network " + network_.id;
    }

    std::string population_list() const {
        std::string list;
        for (const std::string& id : population_order_) {
            list += (list.empty() ? "" : ", ") + id;
        }
        return list.empty() ? "it has none" : "it has " + list;
    }

    // The population a member names; reports it at `c` when it names none.
    const population_info* named_population(const component& c, const std::string& member) {
        const std::string* name = text_of(c, member);
        if (name == nullptr) {
            return nullptr;
        }
        const auto it = populations_.find(*name);
        if (it == populations_.end()) {
            report(c, member + "=\"" + *name + "\" names no population of " + network_name() +
                          " (" + population_list() + ")");
            return nullptr;
        }
        return &it->second;
    }

    const population_info* referenced_population(const component& c, const std::string& member) {
        const auto it = c.references.find(member);
        if (it == c.references.end()) {
            return nullptr; // a missing reference is reported by resolution
        }
        for (const auto& [id, info] : populations_) {
            if (info.comp == it->second) {
                return &info;
            }
        }
        report(c, member + "=\"" + it->second->id + "\" names no population of " + network_name() +
                      " (" + population_list() + ")");
        return nullptr;
    }

    static std::string cell_component(const population_info& population) {
        const auto it = population.comp->references.find("component");
        return it != population.comp->references.end() ? " (component " + it->second->id + ")" : "";
    }

    void check_index(const component& c, const std::string& what, std::size_t index,
                     const population_info& population) {
        const auto& ids = population.instance_ids;
        if (!population.size || index < *population.size ||
            std::find(ids.begin(), ids.end(), index) != ids.end()) {
            return;
        }
        const std::size_t size = *population.size;
        const std::string cells =
            population.is_list ? cells_of_list(population)
            : size == 0        ? " has no cells"
                               : " has " + std::to_string(size) +
                              (size == 1 ? " cell, 0" : " cells, 0.." + std::to_string(size - 1));
        report(c, what + ": cell " + std::to_string(index) + " is out of range: population " +
                      population.comp->id + cell_component(population) + cells);
    }

    // A member holding a cell path; `expected` is the population it must lie in, when known.
    void check_cell(const component& c, const std::string& member, const population_info* expected,
                    const std::string& expected_by = "") {
        const std::string* text = text_of(c, member);
        if (text == nullptr) {
            return;
        }
        const std::string what = member + " \"" + *text + "\"";
        const cell_path path = parse_cell_path(*text);
        const auto found = populations_.find(path.population);
        if (found == populations_.end()) {
            // Paths to other components are the generic structure's business.
            if (!path.population.empty() && !path.index &&
                model_.find_component(path.population) != nullptr) {
                return;
            }
            report(c, what + ": " + network_name() + " has no population " +
                          (path.population.empty() ? "there" : path.population) + " (" +
                          population_list() + ")");
            return;
        }
        if (expected != nullptr && expected->comp != found->second.comp) {
            report(c, what + ": a cell of population " + path.population + ", but " + expected_by +
                          " is " + expected->comp->id);
            return;
        }
        if (path.index) {
            check_index(c, what, *path.index, found->second);
        }
    }

    void check_projection(const component& projection) {
        const population_info* pre = named_population(projection, "presynapticPopulation");
        const population_info* post = named_population(projection, "postsynapticPopulation");
        const std::string of = "projection " + projection.id + "'s ";
        for (const auto& child : projection.children) {
            if (is_a(*child, "connection")) {
                check_cell(*child, "preCellId", pre, of + "presynapticPopulation");
                check_cell(*child, "postCellId", post, of + "postsynapticPopulation");
            }
        }
    }

    void check_graded_projection(const component& projection) {
        const population_info* pre = referenced_population(projection, "presynapticPopulation");
        const population_info* post = referenced_population(projection, "postsynapticPopulation");
        const std::string of = projection.element + " " + projection.id + "'s ";
        for (const auto& child : projection.children) {
            const component& connection = *child;
            if (is_a(connection, "electricalConnection") ||
                is_a(connection, "continuousConnection")) {
                check_indexed(connection, "preCell", pre);
                check_indexed(connection, "postCell", post);
            } else if (is_a(connection, "electricalConnectionInstance") ||
                       is_a(connection, "continuousConnectionInstance")) {
                check_cell(connection, "preCell", pre, of + "presynapticPopulation");
                check_cell(connection, "postCell", post, of + "postsynapticPopulation");
            }
        }
    }

    void check_indexed(const component& connection, const std::string& member,
                       const population_info* population) {
        const auto it = connection.parameters.find(member);
        if (population == nullptr || it == connection.parameters.end()) {
            return;
        }
        const double index = it->second;
        if (index < 0 || index != std::floor(index) || index >= 1e15) {
            std::ostringstream text;
            text << member << "=" << index << ": a cell index is a whole number from 0";
            report(connection, text.str());
            return;
        }
        const auto whole = static_cast<std::size_t>(index);
        check_index(connection, member + "=" + std::to_string(whole), whole, *population);
    }

    void check_input_list(const component& list) {
        const population_info* population = named_population(list, "population");
        for (const auto& child : list.children) {
            if (is_a(*child, "input")) {
                check_cell(*child, "target", population, "input list " + list.id + "'s population");
            }
        }
    }

    const model& model_;
    const component& network_;
    diagnostics& problems_;
    std::map<std::string, population_info> populations_;
    std::vector<std::string> population_order_; // as written, for messages
};

void check_within(const model& m, const component& c, diagnostics& problems) {
    if (is_a(c, "network")) {
        network_checker(m, c, problems).run();
        return;
    }
    for (const auto& child : c.children) {
        check_within(m, *child, problems);
    }
}

} // namespace

void check_networks(const model& m, diagnostics& problems) {
    for (const auto& c : m.components) {
        check_within(m, *c, problems);
    }
}

} // namespace sf::lems
