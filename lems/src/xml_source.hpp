#pragma once

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include <sf/lems/error.hpp>

namespace sf::lems {

// One XML file held in memory with the offsets of its lines, so that every element can be
// reported as file:line.
class xml_source {
public:
    xml_source(std::filesystem::path path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                line_starts_.push_back(i + 1);
            }
        }
    }

    // Parses the text; on failure returns the error with its line.
    std::optional<parse_error> parse() {
        // Parsed in place, without a second copy of the text; offsets stay those of the file.
        const pugi::xml_parse_result result = document_.load_buffer_inplace(
            text_.data(), text_.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
        if (result) {
            return std::nullopt;
        }
        return parse_error{locate(static_cast<std::ptrdiff_t>(result.offset)), "",
                           std::string("malformed XML: ") + result.description()};
    }

    const pugi::xml_document& document() const { return document_; }
    const std::filesystem::path& path() const { return path_; }

    source_location locate(std::ptrdiff_t offset) const {
        const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(),
                                         static_cast<std::size_t>(std::max<std::ptrdiff_t>(offset, 0)));
        return source_location{path_.string(), static_cast<int>(it - line_starts_.begin())};
    }

    source_location locate(const pugi::xml_node& node) const { return locate(node.offset_debug()); }

private:
    std::filesystem::path path_;
    std::string text_;
    std::vector<std::size_t> line_starts_;
    pugi::xml_document document_;
};

} // namespace sf::lems
