#include <algorithm>

#include <sf/firmware/image.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/image_populations.hpp>

namespace sf::host {

namespace image = firmware::image;

namespace {

// A group label `population[first..last]` or `population[first]`.
struct group_label {
    std::string population;
    std::uint32_t first = 0;
};

group_label parse_label(const std::string& text) {
    const std::size_t open = text.rfind('[');
    if (open == std::string::npos || open == 0 || text.back() != ']') {
        throw usage_error("image: group label '" + text + "' is not population[first..last]");
    }
    group_label label;
    label.population = text.substr(0, open);
    const std::string range = text.substr(open + 1, text.size() - open - 2);
    const std::size_t dots = range.find("..");
    const std::string first = range.substr(0, dots);
    if (first.empty() || first.size() > 9 ||
        !std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        throw usage_error("image: group label '" + text + "' is not population[first..last]");
    }
    label.first = static_cast<std::uint32_t>(std::stoul(first));
    return label;
}

std::vector<group_label> read_labels(const image::machine_view& m, const std::uint32_t* end) {
    std::vector<group_label> labels;
    image::cursor c(m.labels, end);
    for (std::uint32_t g = 0; g < m.groups; ++g) {
        std::uint32_t length = 0;
        const char* text = c.text(length, "group label");
        if (text == nullptr) {
            throw usage_error("image: the machine section's group labels are cut short");
        }
        labels.push_back(parse_label(std::string(text, length)));
    }
    return labels;
}

} // namespace

image_populations image_populations::read(const std::vector<std::uint32_t>& words) {
    const image::check_result checked = image::check_image(words.data(), words.size());
    if (!checked) {
        throw usage_error("image refused at word " + std::to_string(checked.offset) +
                          ", section " + std::to_string(checked.section) + ": " +
                          image::describe(checked.what));
    }
    image_populations result;
    std::vector<group_label> labels;
    image::sections walk(words.data(), words.size());
    image::section_view s;
    while (walk.next(s)) {
        image::cursor c(s.payload, s.payload + s.length);
        if (s.kind == image::section_kind::machine) {
            image::machine_view m;
            image::read_machine(c, m);
            result.dt_ = m.dt;
            result.steps_ = m.steps;
            labels = read_labels(m, s.payload + s.length);
        } else if (s.kind == image::section_kind::core) {
            image::core_view core;
            image::read_core(c, core);
            const group_label& label = labels.at(core.group); // the machine section comes first
            std::size_t p = 0;
            while (p < result.populations_.size() &&
                   result.populations_[p].name != label.population) {
                ++p;
            }
            if (p == result.populations_.size()) {
                result.populations_.push_back({label.population, {}, {}});
            }
            population& pop = result.populations_[p];
            pop.cores.push_back({core.key, core.mask});
            for (std::uint32_t i = 0; i < core.neurons; ++i) {
                const std::uint32_t cell = label.first + core.first + i;
                if (pop.keys.size() <= cell) {
                    pop.keys.resize(cell + 1, 0);
                }
                pop.keys[cell] = core.key | i;
                result.by_key_[core.key | i] = {p, cell};
            }
        }
    }
    return result;
}

const population& image_populations::find(const std::string& name) const {
    return populations_[index_of(name)];
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
