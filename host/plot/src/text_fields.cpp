#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sf/plot/plot_error.hpp>

#include "text_fields.hpp"

namespace sf::plot::detail {

std::string file_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw plot_error("cannot read " + file.string() + ": no such file, or not readable");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw plot_error("cannot read " + file.string());
    }
    return text.str();
}

std::vector<text_line> split_lines(std::string_view text) {
    std::vector<text_line> lines;
    int number = 0;
    std::size_t from = 0;
    while (from < text.size()) {
        const std::size_t end = std::min(text.find('\n', from), text.size());
        std::string_view line = text.substr(from, end - from);
        from = end + 1;
        ++number;
        text_line split{number, {}};
        std::size_t at = 0;
        while (at < line.size()) {
            const std::size_t first = line.find_first_not_of(" \t\r", at);
            if (first == std::string_view::npos) {
                break;
            }
            const std::size_t last = std::min(line.find_first_of(" \t\r", first), line.size());
            split.fields.push_back(line.substr(first, last - first));
            at = last;
        }
        if (!split.fields.empty()) {
            lines.push_back(std::move(split));
        }
    }
    return lines;
}

std::optional<double> number_of(std::string_view field) {
    if (field.empty() || field.size() > 64) {
        return std::nullopt;
    }
    const std::string copy(field);
    char* end = nullptr;
    const double value = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::string where(const std::string& name, int line) {
    return name + ":" + std::to_string(line) + ": ";
}

} // namespace sf::plot::detail
