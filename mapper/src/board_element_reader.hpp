#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include <sf/lems/line_index.hpp>

namespace sf::mapper {

// The checks every element of a board description goes through: which attributes and content it
// may have and what their values must be. Each problem is thrown as board_error naming the file,
// the element's line and the element.
class board_element_reader {
public:
    // `text` is the file as read, before it is parsed in place.
    board_element_reader(std::string file, std::string_view text);

    const std::string& file() const { return file_; }

    // --- reporting ---

    int line_at(std::ptrdiff_t offset) const;
    int line_of(const pugi::xml_node& node) const;

    [[noreturn]] void fail(const pugi::xml_node& node, const std::string& element,
                           const std::string& message) const;
    [[noreturn]] void fail(const pugi::xml_node& node, const std::string& message) const;

    // --- structure ---

    // Refuses attributes the element does not have, attributes given twice, and any content
    // other than the child elements the caller reads.
    void check_attributes(const pugi::xml_node& node,
                          std::initializer_list<const char*> allowed) const;
    // Refuses child elements: the leaves of the schema hold attributes only.
    void check_leaf(const pugi::xml_node& node) const;
    static std::vector<pugi::xml_node> elements(const pugi::xml_node& node);
    // At most 40 characters of `text`, for messages.
    static std::string shorten(std::string_view text);

    // --- attribute values ---

    std::optional<std::string_view> optional_text(const pugi::xml_node& node,
                                                  const char* name) const;
    std::string_view required_text(const pugi::xml_node& node, const char* name) const;

    // Marks a whole-number attribute as required: it has no default.
    static constexpr std::int64_t required = std::numeric_limits<std::int64_t>::min();

    // A whole number from `low` to `high`, or `fallback` when the attribute is absent.
    std::int64_t whole(const pugi::xml_node& node, const char* name, std::int64_t low,
                       std::int64_t high, std::int64_t fallback = required) const;
    int whole_int(const pugi::xml_node& node, const char* name, int low, int high,
                  std::int64_t fallback = required) const;
    // A finite number at the start of `text`; `used` is how many characters it took.
    static std::optional<double> parse_real(std::string_view text, std::size_t& used);
    // A number more than `above` and at most `most`, or `fallback` when absent.
    double real(const pugi::xml_node& node, const char* name, double above, double most,
                double fallback) const;
    // `value` without trailing zeros, for messages.
    static std::string trimmed(double value);
    bool boolean(const pugi::xml_node& node, const char* name, bool fallback) const;

private:
    std::string file_;
    lems::line_index lines_;
};

} // namespace sf::mapper
