#include <sf/plot/plot_error.hpp>
#include <sf/plot/recording_files.hpp>

#include "text_fields.hpp"

namespace sf::plot {

trace_record parse_traces(std::string_view text, const std::string& name) {
    trace_record record;
    record.name = name;
    const std::vector<detail::text_line> lines = detail::split_lines(text);
    if (lines.empty()) {
        throw plot_error(name + ": no samples (expected lines of a time and recorded values)");
    }
    const std::size_t width = lines.front().fields.size();
    if (width < 2) {
        throw plot_error(detail::where(name, lines.front().number) +
                         "one field where a sample has the time and at least one value");
    }
    record.columns = width - 1;
    for (const detail::text_line& line : lines) {
        if (line.fields.size() != width) {
            throw plot_error(detail::where(name, line.number) + std::to_string(line.fields.size()) +
                             " fields where line " + std::to_string(lines.front().number) +
                             " has " + std::to_string(width));
        }
        for (std::size_t f = 0; f < width; ++f) {
            const std::optional<double> value = detail::number_of(line.fields[f]);
            if (!value) {
                throw plot_error(detail::where(name, line.number) + "field " +
                                 std::to_string(f + 1) + " '" + std::string(line.fields[f]) +
                                 "' is not a number");
            }
            record.rows.push_back(*value);
        }
    }
    return record;
}

trace_record read_traces(const std::filesystem::path& file) {
    return parse_traces(detail::file_text(file), file.string());
}

} // namespace sf::plot
