#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <pugixml.hpp>

#include <sf/lems/error.hpp>
#include <sf/lems/line_index.hpp>

namespace sf::lems {

// One XML file held in memory with the offsets of its lines, so that every element can be
// reported as file:line.
class xml_source {
public:
    xml_source(std::filesystem::path path, std::string text)
        : path_(std::move(path)), text_(std::move(text)), lines_(text_) {}

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
        return source_location{path_.string(), lines_.line_at(offset)};
    }

    source_location locate(const pugi::xml_node& node) const { return locate(node.offset_debug()); }

private:
    std::filesystem::path path_;
    std::string text_;
    line_index lines_; // of the text as read, before parsing in place changes it
    pugi::xml_document document_;
};

} // namespace sf::lems
