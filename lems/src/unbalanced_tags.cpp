#include <algorithm>

#include "unbalanced_tags.hpp"
#include "xml_tag_scanner.hpp"

namespace sf::lems {
namespace {

int line_of(const line_index& lines, std::size_t offset) {
    return lines.line_at(static_cast<std::ptrdiff_t>(offset));
}

} // namespace

std::optional<unbalanced_tags> explain_unbalanced_tags(std::string_view text, std::size_t stop,
                                                       const line_index& lines) {
    const xml_tag_scan scan = scan_xml_tags(text, stop);
    if (!scan.ended_cleanly) {
        return std::nullopt;
    }
    if (!scan.mismatched) {
        if (scan.open.empty() || scan.open.back().name.empty()) {
            return std::nullopt;
        }
        const xml_tag& last = scan.open.back();
        return unbalanced_tags{
            line_of(lines, last.offset),
            "<" + last.name + "> opened here is never closed (the file ends " + "at line " +
                std::to_string(line_of(lines, text.empty() ? 0 : text.size() - 1)) + ")"};
    }
    const xml_tag& end = *scan.mismatched;
    const int end_line = line_of(lines, end.offset);
    const auto& open = scan.open;
    const bool closes_outer = std::any_of(open.begin(), open.end(),
                                          [&](const xml_tag& tag) { return tag.name == end.name; });
    if (open.empty()) {
        return unbalanced_tags{end_line, "</" + end.name + "> closes no open element"};
    }
    const xml_tag& innermost = open.back();
    if (closes_outer && !innermost.name.empty()) {
        // The end tag is right; an element inside the one it closes was left open.
        return unbalanced_tags{line_of(lines, innermost.offset),
                               "<" + innermost.name +
                                   "> opened here is never closed (the parser found </" + end.name +
                                   "> at line " + std::to_string(end_line) + ")"};
    }
    return unbalanced_tags{end_line, "</" + end.name + "> does not match <" + innermost.name +
                                         ">, opened at line " +
                                         std::to_string(line_of(lines, innermost.offset))};
}

} // namespace sf::lems
