#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <zlib.h>

#include "conformance_corpus.hpp"

namespace sf::conformance {
namespace fs = std::filesystem;

namespace {

fs::path configured_dir() {
    if (const char* env = std::getenv("SF_CONFORMANCE_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return SF_DEFAULT_CONFORMANCE_DIR;
}

} // namespace

std::optional<fs::path> corpus_dir() {
    const fs::path dir = configured_dir();
    if (!fs::is_directory(dir / "reference")) {
        return std::nullopt;
    }
    return fs::weakly_canonical(dir);
}

std::string corpus_missing() {
    return "conformance corpus not found: " + configured_dir().string() +
           " holds no reference/ folder; set SF_CONFORMANCE_DIR to the folder holding the corpus's "
           "derived/ and reference/";
}

std::vector<std::vector<std::string>> read_table(const fs::path& file) {
    std::vector<std::vector<std::string>> rows;
    gzFile in = gzopen(file.string().c_str(), "rb"); // reads plain files too
    if (in == nullptr) {
        return rows;
    }
    std::string line;
    char buffer[1 << 16];
    while (gzgets(in, buffer, sizeof buffer) != nullptr) {
        line += buffer;
        if (line.empty() || line.back() != '\n') {
            if (gzeof(in) == 0) {
                continue;
            }
        }
        std::istringstream fields(line);
        std::vector<std::string> row;
        for (std::string field; fields >> field;) {
            row.push_back(field);
        }
        if (!row.empty()) {
            rows.push_back(std::move(row));
        }
        line.clear();
    }
    gzclose(in);
    return rows;
}

fs::path reference_for(const fs::path& corpus, const std::string& example,
                       const std::string& file_name) {
    for (const char* variant : {"derived", "original"}) {
        for (const std::string& candidate : {file_name + ".gz", file_name}) {
            const fs::path path = corpus / "reference" / example / variant / candidate;
            if (fs::is_regular_file(path)) {
                return path;
            }
        }
    }
    return {};
}

trace_deviation compare_traces(const std::vector<std::vector<std::string>>& ours,
                               const std::vector<std::vector<std::string>>& reference) {
    trace_deviation result;
    if (ours.size() != reference.size()) {
        result.problem = std::to_string(ours.size()) + " rows, the reference has " +
                         std::to_string(reference.size());
        return result;
    }
    if (reference.empty()) {
        return result;
    }
    const std::size_t columns = reference.front().size();
    for (std::size_t c = 0; c < columns; ++c) {
        double low = INFINITY;
        double high = -INFINITY;
        for (const auto& row : reference) {
            const double v = std::strtod(row[c].c_str(), nullptr);
            low = std::min(low, v);
            high = std::max(high, v);
        }
        // A constant column is compared relative to its magnitude instead of its range.
        const double range = high > low ? high - low : std::max(std::fabs(high), 1e-30);
        for (std::size_t r = 0; r < reference.size(); ++r) {
            if (ours[r].size() != columns) {
                result.problem = "row " + std::to_string(r) + " has " +
                                 std::to_string(ours[r].size()) + " columns";
                return result;
            }
            const double deviation = std::fabs(std::strtod(ours[r][c].c_str(), nullptr) -
                                               std::strtod(reference[r][c].c_str(), nullptr)) /
                                     range;
            if (deviation > result.max_relative) {
                result.max_relative = deviation;
                result.worst_column = static_cast<int>(c);
            }
        }
    }
    return result;
}

spike_comparison compare_spikes(const std::vector<std::vector<std::string>>& ours,
                                const std::vector<std::vector<std::string>>& reference,
                                bool id_first) {
    auto trains = [&](const std::vector<std::vector<std::string>>& rows, std::string& problem) {
        std::map<std::string, std::vector<double>> by_id;
        for (const auto& row : rows) {
            if (row.size() != 2) {
                problem = "a spike line does not have two fields";
                break;
            }
            by_id[id_first ? row[0] : row[1]].push_back(
                std::strtod((id_first ? row[1] : row[0]).c_str(), nullptr));
        }
        return by_id;
    };
    spike_comparison result;
    const auto mine = trains(ours, result.problem);
    const auto theirs = trains(reference, result.problem);
    std::map<std::string, bool> ids;
    for (const auto& [id, times] : mine) {
        ids[id] = true;
    }
    for (const auto& [id, times] : theirs) {
        ids[id] = true;
    }
    for (const auto& [id, unused] : ids) {
        const auto a = mine.count(id) != 0 ? mine.at(id) : std::vector<double>{};
        const auto b = theirs.count(id) != 0 ? theirs.at(id) : std::vector<double>{};
        ++result.trains;
        result.spikes += b.size();
        if (a.size() != b.size()) {
            ++result.count_mismatches;
            continue;
        }
        for (std::size_t k = 0; k < a.size(); ++k) {
            result.max_time_error = std::max(result.max_time_error, std::fabs(a[k] - b[k]));
        }
    }
    return result;
}

file_comparison compare_output(const std::filesystem::path& produced,
                               const std::filesystem::path& reference) {
    file_comparison result;
    const auto ours = read_table(produced);
    const auto theirs = read_table(reference);
    result.reference_rows = theirs.size();
    result.reference_columns = theirs.empty() ? 0 : theirs.front().size() - 1;
    const std::string name = produced.filename().string();
    result.spikes_file = name.size() > 7 && name.substr(name.size() - 7) == ".spikes";
    if (result.spikes_file) {
        // ID_TIME files start with a whole number, TIME_ID files with a time.
        const bool id_first = !theirs.empty() &&
                              theirs.front().front().find('.') == std::string::npos &&
                              theirs.front().front().find('E') == std::string::npos;
        result.spikes = compare_spikes(ours, theirs, id_first);
    } else {
        result.traces = compare_traces(ours, theirs);
    }
    return result;
}

} // namespace sf::conformance
