#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What the recording readers share: a file's text, its lines split into fields, and numbers.
namespace sf::plot::detail {

// The whole file; plot_error naming it when it cannot be read.
std::string file_text(const std::filesystem::path& file);

// One line's fields, split at tabs and spaces; a carriage return before the newline is ignored.
struct text_line {
    int number = 0; // 1-based
    std::vector<std::string_view> fields;
};

// The lines that hold any field, in order.
std::vector<text_line> split_lines(std::string_view text);

// The field as a finite number, or nothing when it is not one in full.
std::optional<double> number_of(std::string_view field);

// "name:line: " for messages.
std::string where(const std::string& name, int line);

} // namespace sf::plot::detail
