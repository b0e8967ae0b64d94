// The checks every element of a board description goes through (docs/boards.md): its line, its
// attributes and their values, each problem reported at the element it was found in.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <utility>

#include <sf/mapper/board_error.hpp>

#include "board_element_reader.hpp"

namespace sf::mapper {

board_element_reader::board_element_reader(std::string file, std::string_view text)
    : file_(std::move(file)), lines_(text) {}

int board_element_reader::line_at(std::ptrdiff_t offset) const { return lines_.line_at(offset); }
int board_element_reader::line_of(const pugi::xml_node& node) const {
    return line_at(node.offset_debug());
}

void board_element_reader::fail(const pugi::xml_node& node, const std::string& element,
                                const std::string& message) const {
    throw board_error(file_, line_of(node), element, message);
}
void board_element_reader::fail(const pugi::xml_node& node, const std::string& message) const {
    fail(node, node.name(), message);
}

void board_element_reader::check_attributes(const pugi::xml_node& node,
                                            std::initializer_list<const char*> allowed) const {
    std::vector<std::string_view> seen;
    for (const pugi::xml_attribute& a : node.attributes()) {
        const std::string_view name = a.name();
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            std::string expected;
            for (const char* candidate : allowed) {
                expected += (expected.empty() ? "" : ", ") + std::string(candidate);
            }
            fail(node, "unknown attribute '" + std::string(name) + "'; expected " +
                           (expected.empty() ? std::string("none") : expected));
        }
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            fail(node, "attribute '" + std::string(name) + "' is given twice");
        }
        seen.push_back(name);
    }
    for (const pugi::xml_node& child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            // Reported where the text itself starts, not where the whitespace before it
            // does; counted in lines, which the parser's end-of-line folding leaves alone.
            std::string_view value = child.value();
            const std::size_t first = std::min(value.find_first_not_of(" \t\r\n"), value.size());
            const std::size_t last = value.find_last_not_of(" \t\r\n");
            const auto skipped_lines = static_cast<int>(std::count(
                value.begin(), value.begin() + static_cast<std::ptrdiff_t>(first), '\n'));
            value = value.substr(first, last == std::string_view::npos ? 0 : last + 1 - first);
            throw board_error(file_, line_of(child) + skipped_lines, node.name(),
                              "unexpected text '" + shorten(value) + "'");
        }
    }
}

void board_element_reader::check_leaf(const pugi::xml_node& node) const {
    if (const pugi::xml_node child = node.find_child(
            [](const pugi::xml_node& n) { return n.type() == pugi::node_element; })) {
        fail(child, child.name(),
             std::string("unknown element inside <") + node.name() + ">; it has attributes only");
    }
}

std::vector<pugi::xml_node> board_element_reader::elements(const pugi::xml_node& node) {
    std::vector<pugi::xml_node> result;
    for (const pugi::xml_node& child : node.children()) {
        if (child.type() == pugi::node_element) {
            result.push_back(child);
        }
    }
    return result;
}

std::string board_element_reader::shorten(std::string_view text) {
    constexpr std::size_t most = 40;
    return text.size() > most ? std::string(text.substr(0, most)) + "..." : std::string(text);
}

std::optional<std::string_view> board_element_reader::optional_text(const pugi::xml_node& node,
                                                                    const char* name) const {
    const pugi::xml_attribute a = node.attribute(name);
    if (!a) {
        return std::nullopt;
    }
    return std::string_view(a.value());
}

std::string_view board_element_reader::required_text(const pugi::xml_node& node,
                                                     const char* name) const {
    const auto value = optional_text(node, name);
    if (!value) {
        fail(node, std::string("missing attribute '") + name + "'");
    }
    return *value;
}

std::int64_t board_element_reader::whole(const pugi::xml_node& node, const char* name,
                                         std::int64_t low, std::int64_t high,
                                         std::int64_t fallback) const {
    const std::optional<std::string_view> text = optional_text(node, name);
    if (!text) {
        if (fallback == required) {
            fail(node, std::string("missing attribute '") + name + "'");
        }
        return fallback;
    }
    std::int64_t value = 0;
    const char* const end = text->data() + text->size();
    const auto [stop, status] = std::from_chars(text->data(), end, value);
    const std::string range =
        low == high ? std::to_string(low) : std::to_string(low) + " to " + std::to_string(high);
    if (text->empty() || stop != end ||
        (status != std::errc() && status != std::errc::result_out_of_range)) {
        fail(node, std::string("attribute '") + name + "' must be a whole number (" + range +
                       "), not '" + shorten(*text) + "'");
    }
    if (status == std::errc::result_out_of_range || value < low || value > high) {
        fail(node,
             std::string("attribute '") + name + "' must be " + range + ", not " + shorten(*text));
    }
    return value;
}

int board_element_reader::whole_int(const pugi::xml_node& node, const char* name, int low, int high,
                                    std::int64_t fallback) const {
    return static_cast<int>(whole(node, name, low, high, fallback));
}

std::optional<double> board_element_reader::parse_real(std::string_view text, std::size_t& used) {
    double value = 0.0;
    const auto [stop, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    used = static_cast<std::size_t>(stop - text.data());
    if (status != std::errc() || used == 0 || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

double board_element_reader::real(const pugi::xml_node& node, const char* name, double above,
                                  double most, double fallback) const {
    const auto text = optional_text(node, name);
    if (!text) {
        return fallback;
    }
    std::size_t used = 0;
    const auto value = parse_real(*text, used);
    if (!value || used != text->size()) {
        fail(node, std::string("attribute '") + name + "' must be a number, not '" +
                       shorten(*text) + "'");
    }
    if (*value <= above || *value > most) {
        fail(node, std::string("attribute '") + name + "' must be more than " + trimmed(above) +
                       " and at most " + trimmed(most) + ", not " + shorten(*text));
    }
    return *value;
}

std::string board_element_reader::trimmed(double value) {
    std::string text = std::to_string(value);
    while (!text.empty() && text.back() == '0') {
        text.pop_back();
    }
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    return text;
}

bool board_element_reader::boolean(const pugi::xml_node& node, const char* name,
                                   bool fallback) const {
    const auto text = optional_text(node, name);
    if (!text) {
        return fallback;
    }
    if (*text == "true") {
        return true;
    }
    if (*text == "false") {
        return false;
    }
    fail(node, std::string("attribute '") + name + "' must be true or false, not '" +
                   shorten(*text) + "'");
}

} // namespace sf::mapper
