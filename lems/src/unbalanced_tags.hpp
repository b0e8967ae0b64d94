#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <sf/lems/line_index.hpp>

namespace sf::lems {

// A start tag left open or an end tag that closes nothing, said in terms of the elements: the
// line to report and what to say there.
struct unbalanced_tags {
    int line = 0;
    std::string message;
};

// Explains a parser's complaint of mismatched tags, given the unparsed text and the offset where
// the parser stopped; nothing when the tags alone do not show what is wrong.
std::optional<unbalanced_tags> explain_unbalanced_tags(std::string_view text, std::size_t stop,
                                                       const line_index& lines);

} // namespace sf::lems
