#include <algorithm>
#include <set>

#include <sf/firmware/image.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/image_populations.hpp>

namespace sf::host {

namespace image = firmware::image;

namespace {

// A group label: `population[runs]`, each run `first..last` or one cell, separated by commas
// (docs/image-format.md): the group's cells, in order.
struct group_label {
    std::string population;
    std::vector<std::uint32_t> cells;
};

bool is_number(const std::string& text) {
    return !text.empty() && text.size() <= 9 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Appends the cells of one run; false when it is not a run of ascending cells after `cells`', or
// when it would make them more than `most`.
bool add_run(const std::string& run, std::vector<std::uint32_t>& cells, std::uint32_t most) {
    const std::size_t dots = run.find("..");
    const std::string first = run.substr(0, dots);
    const std::string last = dots == std::string::npos ? first : run.substr(dots + 2);
    if (!is_number(first) || !is_number(last)) {
        return false;
    }
    const auto from = static_cast<std::uint32_t>(std::stoul(first));
    const auto to = static_cast<std::uint32_t>(std::stoul(last));
    if (to < from || (!cells.empty() && from <= cells.back()) ||
        std::uint64_t{to} - from + 1 > most - cells.size()) {
        return false;
    }
    for (std::uint32_t c = from; c <= to; ++c) {
        cells.push_back(c);
    }
    return true;
}

group_label parse_label(const std::string& text, std::uint32_t most_cells) {
    const std::size_t open = text.find('[');
    const std::string bad =
        "image: group label '" + text + "' is not population[first..last] or population[runs, ...]";
    if (open == std::string::npos || open == 0 || text.back() != ']') {
        throw usage_error(bad);
    }
    group_label label;
    label.population = text.substr(0, open);
    const std::string runs = text.substr(open + 1, text.size() - open - 2);
    for (std::size_t at = 0; at <= runs.size();) {
        const std::size_t comma = std::min(runs.find(',', at), runs.size());
        if (!add_run(runs.substr(at, comma - at), label.cells, most_cells)) {
            throw usage_error(bad);
        }
        at = comma + 1;
    }
    return label;
}

std::vector<std::string> read_labels(const image::machine_view& m, const std::uint32_t* end) {
    std::vector<std::string> labels;
    image::cursor c(m.labels, end);
    for (std::uint32_t g = 0; g < m.groups; ++g) {
        std::uint32_t length = 0;
        const char* text = c.text(length, "group label");
        if (text == nullptr) {
            throw usage_error("image: the machine section's group labels are cut short");
        }
        labels.emplace_back(text, length);
    }
    return labels;
}

struct core_piece {
    std::uint32_t key;
    std::uint32_t mask;
    std::uint32_t first; // the core's first neuron within its group
    std::uint32_t neurons;
};

struct group_info {
    std::string text;
    group_label label;
    std::uint32_t neurons = 0;
    std::vector<core_piece> cores;
};

} // namespace

image_populations image_populations::read(const std::vector<std::uint32_t>& words) {
    const image::check_result checked = image::check_image(words.data(), words.size());
    if (!checked) {
        throw usage_error("image refused at word " + std::to_string(checked.offset) + ", section " +
                          std::to_string(checked.section) + ": " + image::describe(checked.what));
    }
    image_populations result;
    std::vector<group_info> groups;
    image::sections walk(words.data(), words.size());
    image::section_view s;
    while (walk.next(s)) {
        image::cursor c(s.payload, s.payload + s.length);
        if (s.kind == image::section_kind::machine) {
            image::machine_view m;
            image::read_machine(c, m);
            result.dt_ = m.dt;
            result.steps_ = m.steps;
            for (const auto& text : read_labels(m, s.payload + s.length)) {
                group_info g;
                g.text = text;
                groups.push_back(g);
            }
        } else if (s.kind == image::section_kind::core) {
            image::core_view core;
            image::read_core(c, core);
            group_info& g = groups.at(core.group); // check_image bounded the group
            g.neurons += core.neurons;
            g.cores.push_back({core.key, core.mask, core.first, core.neurons});
        }
    }
    for (auto& g : groups) {
        // A label lists no more cells than its group's cores hold (nor does it make the host
        // allocate more).
        g.label = parse_label(g.text, g.neurons);
        result.add_group(g.label.population, g.label.cells, g.neurons);
        const std::size_t p = result.index_of_any(g.label.population);
        for (const core_piece& piece : g.cores) {
            result.populations_[p].cores.push_back({piece.key, piece.mask});
            for (std::uint32_t i = 0; i < piece.neurons && piece.first + i < g.label.cells.size();
                 ++i) {
                result.add_cell(p, g.label.cells[piece.first + i], piece.key | i);
            }
        }
    }
    return result;
}

void image_populations::add_group(const std::string& name,
                                  const std::vector<std::uint32_t>& members,
                                  std::uint32_t neurons) {
    std::size_t p = 0;
    while (p < populations_.size() && populations_[p].name != name) {
        ++p;
    }
    if (p == populations_.size()) {
        populations_.push_back({name, {}, {}, false});
    }
    populations_[p].ambiguous = populations_[p].ambiguous || members.size() != neurons;
}

std::size_t image_populations::index_of_any(const std::string& name) const {
    std::size_t p = 0;
    while (p < populations_.size() && populations_[p].name != name) {
        ++p;
    }
    return p;
}

void image_populations::add_cell(std::size_t p, std::uint32_t cell, std::uint32_t key) {
    population& pop = populations_[p];
    if (pop.keys.size() <= cell) {
        pop.keys.resize(std::size_t{cell} + 1, 0);
    }
    pop.keys[cell] = key;
    by_key_[key] = {p, cell};
}

const population& image_populations::find(const std::string& name) const {
    const population& p = populations_[index_of(name)];
    if (p.ambiguous) {
        throw usage_error("the image does not tell which cells of population '" + name +
                          "' each of its groups holds");
    }
    return p;
}

std::size_t image_populations::index_of(const std::string& name) const {
    for (std::size_t p = 0; p < populations_.size(); ++p) {
        if (populations_[p].name == name) {
            return p;
        }
    }
    throw usage_error("no population '" + name + "' in the image (populations: " + names() + ")");
}

bool image_populations::cell_of(std::uint32_t key, cell_ref& where) const {
    const auto at = by_key_.find(key);
    if (at == by_key_.end()) {
        return false;
    }
    where = at->second;
    return true;
}

std::vector<firmware::protocol::key_filter>
image_populations::filters(const std::vector<std::string>& names) const {
    std::vector<firmware::protocol::key_filter> all;
    for (const auto& name : names) {
        const population& p = find(name);
        all.insert(all.end(), p.cores.begin(), p.cores.end());
    }
    return all;
}

std::string image_populations::names() const {
    std::string text;
    for (const auto& p : populations_) {
        text += (text.empty() ? "" : ", ") + p.name;
    }
    return text.empty() ? "none" : text;
}

} // namespace sf::host
