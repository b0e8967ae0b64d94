#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <pugixml.hpp>

#include <sf/lems/error.hpp>
#include <sf/lems/line_index.hpp>

#include "unbalanced_tags.hpp"

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
        if (result.status == pugi::status_end_element_mismatch ||
            result.status == pugi::status_bad_end_element) {
            if (auto explained = explain_tags(static_cast<std::size_t>(result.offset))) {
                return explained;
            }
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
    // Parsing in place has overwritten parts of the text, so the file is read again.
    std::optional<parse_error> explain_tags(std::size_t stop) const {
        std::ifstream in(path_, std::ios::binary);
        const std::string original{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
        if (!in.good() && !in.eof()) {
            return std::nullopt;
        }
        const line_index lines(original);
        if (auto explained = explain_unbalanced_tags(original, stop, lines)) {
            return parse_error{source_location{path_.string(), explained->line}, "",
                               "malformed XML: " + explained->message};
        }
        return std::nullopt;
    }

    std::filesystem::path path_;
    std::string text_;
    line_index lines_; // of the text as read, before parsing in place changes it
    pugi::xml_document document_;
};

} // namespace sf::lems
