#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf::lems {

// An element's start tag: its name and the offset of its '<' in the text.
struct xml_tag {
    std::string name;
    std::size_t offset = 0;
};

// What the tags of a text say about its nesting, up to some offset.
struct xml_tag_scan {
    std::vector<xml_tag> open;         // elements still open, outermost first
    std::optional<xml_tag> mismatched; // the first end tag that does not close the innermost
    bool ended_cleanly = true;         // false when a comment, tag or section runs off the end
};

// Follows start and end tags through comments, CDATA sections, processing instructions,
// declarations and quoted attribute values, stopping at the first end tag that does not match
// or at `stop` (tags starting after it are not read). The XML parser says only where it gave
// up; this says which element was left open and where it began. Never reads past the text.
xml_tag_scan scan_xml_tags(std::string_view text, std::size_t stop);

} // namespace sf::lems
