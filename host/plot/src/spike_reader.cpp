#include <sf/plot/plot_error.hpp>
#include <sf/plot/recording_files.hpp>

#include "text_fields.hpp"

namespace sf::plot {
namespace {

// A time as the writers print it: a number with a decimal point or an exponent.
bool looks_like_time(std::string_view field) {
    return detail::number_of(field) && field.find_first_of(".eE") != std::string_view::npos;
}

// The column holding the time, from the first line (see parse_spikes).
std::size_t time_column(const detail::text_line& first) {
    const bool first_is_time = looks_like_time(first.fields[0]);
    if (first_is_time != looks_like_time(first.fields[1])) {
        return first_is_time ? 0 : 1;
    }
    // Neither or both look like times: a field that is no number at all is the id.
    return !detail::number_of(first.fields[0]) && detail::number_of(first.fields[1]) ? 1 : 0;
}

} // namespace

spike_record parse_spikes(std::string_view text, const std::string& name) {
    spike_record record;
    record.name = name;
    const std::vector<detail::text_line> lines = detail::split_lines(text);
    std::size_t time_at = 0;
    for (const detail::text_line& line : lines) {
        if (line.fields.size() != 2) {
            throw plot_error(detail::where(name, line.number) + std::to_string(line.fields.size()) +
                             " fields where a spike line has two: 'time id' or 'id time'");
        }
        if (&line == &lines.front()) {
            time_at = time_column(line);
        }
        const std::optional<double> time = detail::number_of(line.fields[time_at]);
        if (!time) {
            throw plot_error(
                detail::where(name, line.number) + "'" + std::string(line.fields[time_at]) +
                "' is not a time in seconds " +
                (time_at == 0 ? "(first field, as on line " : "(second field, as on line ") +
                std::to_string(lines.front().number) + ")");
        }
        record.times.push_back(*time);
        record.ids.emplace_back(line.fields[1 - time_at]);
    }
    return record;
}

spike_record read_spikes(const std::filesystem::path& file) {
    return parse_spikes(detail::file_text(file), file.string());
}

} // namespace sf::plot
