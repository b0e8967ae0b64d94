// Reads board descriptions (docs/boards.md). Everything is checked while reading, so a board that
// loads is one the mapper can trust; each problem is reported at the element it was found in.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include <sf/firmware/core_config.hpp>
#include <sf/lems/line_index.hpp>
#include <sf/mapper/board_geometry.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/routing_keys.hpp>

#include "board_element_reader.hpp"
#include "board_timing_loader.hpp"

namespace sf::mapper {
namespace {

// Reads one board file held in memory, remembering where its lines start so that every element
// is reported at its line.
class board_reader : private board_element_reader {
public:
    board_reader(std::string file, std::string_view text)
        : board_element_reader(std::move(file), text), text_(text) {}

    board read() {
        // Parsed in place so that node offsets are offsets into the file's own text.
        const pugi::xml_parse_result parsed =
            document_.load_buffer_inplace(text_.data(), text_.size(), pugi::parse_default);
        if (!parsed) {
            throw board_error(file(), line_at(static_cast<std::ptrdiff_t>(parsed.offset)), "",
                              std::string("malformed XML: ") + parsed.description());
        }
        pugi::xml_node root;
        for (const pugi::xml_node& node : document_.children()) {
            if (node.type() != pugi::node_element) {
                continue;
            }
            if (root) {
                fail(node, node.name(),
                     "a board file holds one <board> element; the first is at line " +
                         std::to_string(line_of(root)));
            }
            root = node;
        }
        if (std::string_view(root.name()) != "board") {
            fail(root, root.name(), "expected a <board> element");
        }
        return read_board(root);
    }

private:
    // A duration with its unit: "1 ms", "0.1ms", "100 us", "0.001 s"; whole microseconds.
    std::chrono::microseconds duration(const pugi::xml_node& node, const char* name) const {
        const std::string_view text = required_text(node, name);
        const std::string quoted = "'" + shorten(text) + "'";
        std::size_t used = 0;
        const auto value = parse_real(text, used);
        if (!value) {
            fail(node, std::string("attribute '") + name +
                           "' must be a number with a unit (s, ms or us), not " + quoted);
        }
        std::string_view unit = text.substr(used);
        while (!unit.empty() && unit.front() == ' ') {
            unit.remove_prefix(1);
        }
        double scale = 0.0;
        if (unit == "s") {
            scale = 1e6;
        } else if (unit == "ms") {
            scale = 1e3;
        } else if (unit == "us") {
            scale = 1.0;
        } else {
            fail(node, std::string("attribute '") + name +
                           "' needs a unit: s, ms or us (as in \"1 ms\"), not " + quoted);
        }
        const double micro = *value * scale;
        constexpr double shortest = 1.0;
        constexpr double longest = 1e6;
        if (!(micro >= shortest && micro <= longest)) {
            fail(node, std::string("attribute '") + name + "' must be 1 us to 1 s, not " + quoted);
        }
        const double whole_micro = std::round(micro);
        if (std::abs(micro - whole_micro) > 1e-6 * whole_micro) {
            fail(node, std::string("attribute '") + name +
                           "' must be a whole number of microseconds, not " + quoted);
        }
        return std::chrono::microseconds(static_cast<std::int64_t>(whole_micro));
    }

    std::optional<direction> parse_direction(std::string_view text) const {
        for (int k = 0; k < 6; ++k) {
            if (text == to_string(static_cast<direction>(k))) {
                return static_cast<direction>(k);
            }
        }
        return std::nullopt;
    }

    // --- elements ---

    board read_board(const pugi::xml_node& root) {
        check_attributes(root, {"name", "time_step", "speedup"});
        board result;
        result.source = file();
        result.name = std::string(required_text(root, "name"));
        check_name(root, result.name);
        result.time_step = duration(root, "time_step");
        constexpr double most_speedup = 1e6;
        result.speedup = real(root, "speedup", 0.0, most_speedup, 1.0);

        pugi::xml_node chips;
        pugi::xml_node core;
        pugi::xml_node timing;
        for (const pugi::xml_node& child : elements(root)) {
            const std::string_view tag = child.name();
            pugi::xml_node* slot = tag == "chips"    ? &chips
                                   : tag == "core"   ? &core
                                   : tag == "timing" ? &timing
                                                     : nullptr;
            if (slot == nullptr) {
                fail(child, "unknown element inside <board>; expected <chips>, <core> or <timing>");
            }
            if (*slot) {
                fail(child, "<" + std::string(tag) + "> is given twice (first at line " +
                                std::to_string(line_of(*slot)) + ")");
            }
            *slot = child;
        }
        if (!chips) {
            fail(root, "missing element <chips>");
        }
        if (!core) {
            fail(root, "missing element <core>");
        }
        read_chips(chips, result);
        result.core = read_core(core);
        if (timing) {
            result.timing = read_board_timing(*this, timing);
        }
        return result;
    }

    void check_name(const pugi::xml_node& root, const std::string& name) const {
        const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.';
        });
        if (!ok) {
            fail(root, "attribute 'name' must be letters, digits, '_', '-' or '.', not '" +
                           shorten(name) + "'");
        }
    }

    topology read_topology(const pugi::xml_node& node) const {
        const std::string_view text = required_text(node, "topology");
        for (const topology kind : {topology::mesh, topology::torus, topology::hexagonal}) {
            if (text == to_string(kind)) {
                return kind;
            }
        }
        fail(node,
             "attribute 'topology' must be mesh, torus or hexagonal, not '" + shorten(text) + "'");
    }

    // What <chips> gives every chip, and what a <chip> may change for one.
    struct chip_values {
        int cores = 0;
        int application_cores = 0;
        int router_entries = 0;
        int application_router_entries = 0;
        std::int64_t link_bandwidth = 0;
    };

    static constexpr int most_cores = 1024;
    static constexpr int most_router_entries = 1 << 20;
    static constexpr std::int64_t most_link_bandwidth = 1'000'000'000'000;

    // In <chips>, application_cores defaults to cores and application_router_entries to
    // router_entries; in <chip>, whatever is not given is what <chips> gives.
    chip_values read_chip_values(const pugi::xml_node& node,
                                 const std::optional<chip_values>& defaults) const {
        chip_values v;
        v.cores = whole_int(node, "cores", 1, most_cores, given(defaults, &chip_values::cores));
        v.application_cores = whole_int(node, "application_cores", 0, most_cores,
                                        defaults ? defaults->application_cores : v.cores);
        if (v.application_cores > v.cores) {
            fail(node, "attribute 'application_cores' must be at most the chip's " +
                           std::to_string(v.cores) + " cores, not " +
                           std::to_string(v.application_cores));
        }
        v.router_entries = whole_int(node, "router_entries", 0, most_router_entries,
                                     given(defaults, &chip_values::router_entries));
        v.application_router_entries =
            whole_int(node, "application_router_entries", 0, most_router_entries,
                      defaults ? defaults->application_router_entries : v.router_entries);
        if (v.application_router_entries > v.router_entries) {
            fail(node, "attribute 'application_router_entries' must be at most the chip's " +
                           std::to_string(v.router_entries) + " router entries, not " +
                           std::to_string(v.application_router_entries));
        }
        v.link_bandwidth = whole(node, "link_bandwidth", 1, most_link_bandwidth,
                                 defaults ? defaults->link_bandwidth : required);
        return v;
    }

    static std::int64_t given(const std::optional<chip_values>& defaults, int chip_values::*field) {
        return defaults ? (*defaults).*field : required;
    }

    static std::string at(chip_coordinates c) {
        return "(" + std::to_string(c.x) + "," + std::to_string(c.y) + ")";
    }

    chip_coordinates read_position(const pugi::xml_node& node, const grid_shape& grid) const {
        // Range-checked against the grid here so that the message can name the grid.
        const chip_coordinates c{whole_int(node, "x", 0, max_grid_side - 1),
                                 whole_int(node, "y", 0, max_grid_side - 1)};
        if (c.x >= grid.width || c.y >= grid.height) {
            fail(node, at(c) + " is outside the " + std::to_string(grid.width) + " x " +
                           std::to_string(grid.height) + " grid");
        }
        return c;
    }

    static chip* chip_at(board& result, chip_coordinates c) {
        const auto it = std::lower_bound(
            result.chips.begin(), result.chips.end(), c,
            [](const chip& one, chip_coordinates where) { return one.coordinates() < where; });
        return it != result.chips.end() && it->coordinates() == c ? &*it : nullptr;
    }

    chip* existing_chip(const pugi::xml_node& node, board& result, chip_coordinates c) const {
        chip* found = chip_at(result, c);
        if (found == nullptr) {
            fail(node,
                 "there is no chip at " + at(c) + ": the board's <row> elements leave it out");
        }
        return found;
    }

    void read_grid(const pugi::xml_node& node, grid_shape& grid) const {
        grid.width = whole_int(node, "width", 1, max_grid_side);
        grid.height = whole_int(node, "height", 1, max_grid_side);
        grid.kind = read_topology(node);
        grid.wraps = boolean(node, "wrap", grid.kind == topology::torus);
        if (grid.kind == topology::mesh && grid.wraps) {
            fail(node, "a mesh does not wrap around; use topology=\"torus\"");
        }
        if (grid.kind == topology::torus && !grid.wraps) {
            fail(node, "a torus wraps around; use topology=\"mesh\"");
        }
    }

    // The elements inside <chips>, by kind, each in file order.
    struct chips_children {
        std::vector<pugi::xml_node> rows, overrides, dead_chips, dead_links;
    };

    chips_children sort_children(const pugi::xml_node& node) const {
        chips_children children;
        for (const pugi::xml_node& child : elements(node)) {
            const std::string_view tag = child.name();
            if (tag == "row") {
                children.rows.push_back(child);
            } else if (tag == "chip") {
                children.overrides.push_back(child);
            } else if (tag == "unavailable_chip") {
                children.dead_chips.push_back(child);
            } else if (tag == "unavailable_link") {
                children.dead_links.push_back(child);
            } else {
                fail(
                    child,
                    "unknown element inside <chips>; expected <row>, <chip>, <unavailable_chip> or "
                    "<unavailable_link>");
            }
        }
        return children;
    }

    // The outline: for every y, the first and last x of its chips; every position of the grid,
    // or only those the rows name.
    std::vector<std::pair<int, int>> read_outline(const std::vector<pugi::xml_node>& rows,
                                                  const grid_shape& grid) const {
        std::vector<std::pair<int, int>> spans(static_cast<std::size_t>(grid.height),
                                               {0, grid.width - 1});
        if (rows.empty()) {
            return spans;
        }
        std::map<int, int> row_lines;
        std::fill(spans.begin(), spans.end(), std::pair<int, int>{0, -1});
        for (const pugi::xml_node& row : rows) {
            check_attributes(row, {"y", "first_x", "last_x"});
            check_leaf(row);
            const int y = whole_int(row, "y", 0, grid.height - 1);
            const int first = whole_int(row, "first_x", 0, grid.width - 1);
            const int last = whole_int(row, "last_x", 0, grid.width - 1);
            if (first > last) {
                fail(row, "attribute 'first_x' (" + std::to_string(first) +
                              ") is after 'last_x' (" + std::to_string(last) + ")");
            }
            if (const auto seen = row_lines.find(y); seen != row_lines.end()) {
                fail(row, "row y=" + std::to_string(y) + " is given twice (first at line " +
                              std::to_string(seen->second) + ")");
            }
            row_lines[y] = line_of(row);
            spans[static_cast<std::size_t>(y)] = {first, last};
        }
        return spans;
    }

    static void add_chips(const std::vector<std::pair<int, int>>& spans,
                          const chip_values& defaults, board& result) {
        for (std::size_t y = 0; y < spans.size(); ++y) {
            const auto [first, last] = spans[y];
            for (int x = first; x <= last; ++x) {
                chip c;
                c.x = x;
                c.y = static_cast<int>(y);
                c.cores = defaults.cores;
                c.application_cores = defaults.application_cores;
                c.router_entries = defaults.router_entries;
                c.application_router_entries = defaults.application_router_entries;
                c.link_bandwidth = defaults.link_bandwidth;
                result.chips.push_back(c);
            }
        }
    }

    void read_overrides(const std::vector<pugi::xml_node>& overrides, const chip_values& defaults,
                        board& result) const {
        std::map<chip_coordinates, int> override_lines;
        for (const pugi::xml_node& one : overrides) {
            check_attributes(one, {"x", "y", "cores", "application_cores", "router_entries",
                                   "application_router_entries", "link_bandwidth"});
            check_leaf(one);
            const chip_coordinates c = read_position(one, result.grid);
            chip* target = existing_chip(one, result, c);
            if (const auto seen = override_lines.find(c); seen != override_lines.end()) {
                fail(one, "chip " + at(c) + " is given twice (first at line " +
                              std::to_string(seen->second) + ")");
            }
            override_lines[c] = line_of(one);
            const chip_values v = read_chip_values(one, defaults);
            target->cores = v.cores;
            target->application_cores = v.application_cores;
            target->router_entries = v.router_entries;
            target->application_router_entries = v.application_router_entries;
            target->link_bandwidth = v.link_bandwidth;
        }
    }

    void read_dead_chips(const std::vector<pugi::xml_node>& dead_chips, board& result) const {
        std::map<chip_coordinates, int> dead_chip_lines;
        for (const pugi::xml_node& one : dead_chips) {
            check_attributes(one, {"x", "y"});
            check_leaf(one);
            const chip_coordinates c = read_position(one, result.grid);
            chip* target = existing_chip(one, result, c);
            if (const auto seen = dead_chip_lines.find(c); seen != dead_chip_lines.end()) {
                fail(one, "chip " + at(c) + " is already unavailable (line " +
                              std::to_string(seen->second) + ")");
            }
            dead_chip_lines[c] = line_of(one);
            target->available = false;
        }
    }

    // One <unavailable_link>: a link of the grid's kind from an existing chip to a neighbour, not
    // named before from either end (`lines` holds the line of each link named so far).
    link_end read_dead_link(const pugi::xml_node& one, board& result,
                            std::map<std::pair<chip_coordinates, int>, int>& lines) const {
        const grid_shape& grid = result.grid;
        check_attributes(one, {"x", "y", "direction"});
        check_leaf(one);
        const chip_coordinates c = read_position(one, grid);
        existing_chip(one, result, c);
        const std::string_view text = required_text(one, "direction");
        const auto way = parse_direction(text);
        if (!way) {
            fail(one, "attribute 'direction' must be one of E, NE, N, W, SW, S, not '" +
                          shorten(text) + "'");
        }
        if (!has_direction(grid.kind, *way)) {
            fail(one, std::string("a ") + to_string(grid.kind) + " has no " + to_string(*way) +
                          " links; its links are E, N, W and S");
        }
        const auto to = step(grid, c, *way);
        if (!to || chip_at(result, *to) == nullptr) {
            fail(one, "chip " + at(c) + " has no neighbour to the " + to_string(*way) +
                          ", so no link there");
        }
        // The same wire may be named from either end; naming it twice is a mistake.
        for (const auto& end : {std::pair{c, static_cast<int>(*way)},
                                std::pair{*to, static_cast<int>(opposite(*way))}}) {
            if (const auto seen = lines.find(end); seen != lines.end()) {
                fail(one, "the link from " + at(c) + " to the " + to_string(*way) +
                              " is already unavailable (line " + std::to_string(seen->second) +
                              ")");
            }
        }
        lines[{c, static_cast<int>(*way)}] = line_of(one);
        return {c, *way};
    }

    std::vector<link_end> read_dead_links(const std::vector<pugi::xml_node>& dead_links,
                                          board& result) const {
        std::vector<link_end> dead;
        std::map<std::pair<chip_coordinates, int>, int> dead_link_lines;
        for (const pugi::xml_node& one : dead_links) {
            dead.push_back(read_dead_link(one, result, dead_link_lines));
        }
        return dead;
    }

    void read_chips(const pugi::xml_node& node, board& result) const {
        check_attributes(node, {"width", "height", "topology", "wrap", "cores", "application_cores",
                                "router_entries", "application_router_entries", "link_bandwidth"});
        read_grid(node, result.grid);
        const chip_values defaults = read_chip_values(node, std::nullopt);
        const chips_children children = sort_children(node);
        add_chips(read_outline(children.rows, result.grid), defaults, result);
        read_overrides(children.overrides, defaults, result);
        read_dead_chips(children.dead_chips, result);
        const std::vector<link_end> dead = read_dead_links(children.dead_links, result);
        connect_chips(result, dead);
    }

    core_limits read_core(const pugi::xml_node& node) const {
        check_attributes(node, {"neurons", "state_words_per_neuron", "state_memory_words",
                                "state_word_bits", "synaptic_memory_bytes", "program_words",
                                "constant_words", "lookup_table_words", "weight_bits",
                                "weight_signed", "delay_slots", "input_channels", "max_fan_in"});
        check_leaf(node);
        constexpr std::int64_t most_words = std::int64_t{1} << 32;
        constexpr std::int64_t most_bytes = std::int64_t{1} << 40;
        constexpr int instruction_word_bits = 32;
        core_limits limits;
        limits.neurons = whole_int(node, "neurons", 1, max_neurons_per_source);
        limits.state_words_per_neuron = whole_int(node, "state_words_per_neuron", 0,
                                                  static_cast<int>(firmware::max_state_words));
        limits.state_memory_words = whole(node, "state_memory_words", 0, most_words);
        limits.state_word_bits = whole_int(node, "state_word_bits", instruction_word_bits,
                                           instruction_word_bits, instruction_word_bits);
        limits.synaptic_memory_bytes = whole(node, "synaptic_memory_bytes", 0, most_bytes);
        limits.program_words = whole(node, "program_words", 0, most_words);
        limits.constant_words =
            whole_int(node, "constant_words", 0, static_cast<int>(firmware::max_constants));
        limits.lookup_table_words = whole(node, "lookup_table_words", 0, most_words);
        limits.weight_bits = whole_int(node, "weight_bits", 1, limits.state_word_bits);
        limits.weights_signed = boolean(node, "weight_signed", false);
        limits.delay_slots = whole_int(node, "delay_slots", 1, 256);
        limits.input_channels =
            whole_int(node, "input_channels", 1, static_cast<int>(firmware::max_input_channels));
        limits.max_fan_in = whole_int(node, "max_fan_in", 0, 1 << 24, 0);
        return limits;
    }

    std::string text_; // parsed in place: the base's line index was built before
    pugi::xml_document document_;
};

} // namespace

board load_board_text(std::string_view text, const std::string& name_for_messages) {
    board_reader reader(name_for_messages, text);
    return reader.read();
}

board load_board(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        throw board_error(file.string(), 0, "", "cannot read the board file: no such file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw board_error(file.string(), 0, "", "cannot read the board file");
    }
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return load_board_text(text, file.string());
}

} // namespace sf::mapper
