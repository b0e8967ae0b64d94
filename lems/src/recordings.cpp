#include <fstream>

#include <sf/lems/error.hpp>
#include <sf/lems/recordings.hpp>

#include "engine/java_format.hpp"

namespace sf::lems {
namespace fs = std::filesystem;

namespace {

fs::path temporary_for(const fs::path& path) { return fs::path(path.string() + ".partial"); }

void write_text(const fs::path& path, const std::string& text) {
    std::error_code ec;
    fs::create_directories(path.parent_path().empty() ? fs::path(".") : path.parent_path(), ec);
    if (ec) {
        throw simulation_error("cannot create the folder for " + path.string() + ": " +
                               ec.message());
    }
    std::ofstream out(temporary_for(path), std::ios::binary);
    out << text;
    out.close();
    if (!out) {
        throw simulation_error("cannot write " + path.string());
    }
}

std::string trace_text(const recorded_trace& trace) {
    std::string text;
    const std::size_t width = trace.columns + 1;
    text.reserve(trace.rows.size() * 14);
    for (std::size_t r = 0; r + width <= trace.rows.size(); r += width) {
        for (std::size_t c = 0; c < width; ++c) {
            text += engine::java_float_string(trace.rows[r + c]);
            text += '\t';
        }
        text += '\n';
    }
    return text;
}

std::string event_text(const recorded_events& file) {
    std::string text;
    for (const auto& [time, id] : file.events) {
        const std::string stamp = engine::java_float_string(time);
        text += file.id_first ? id + "\t" + stamp + "\n" : stamp + "\t" + id + "\n";
    }
    return text;
}

} // namespace

std::vector<fs::path> write_recordings(const std::vector<recorded_trace>& traces,
                                       const std::vector<recorded_events>& events) {
    std::vector<fs::path> written;
    try {
        for (const auto& trace : traces) {
            written.push_back(trace.path);
            write_text(trace.path, trace_text(trace));
        }
        for (const auto& file : events) {
            written.push_back(file.path);
            write_text(file.path, event_text(file));
        }
    } catch (...) {
        for (const auto& path : written) {
            std::error_code ignored;
            fs::remove(temporary_for(path), ignored);
        }
        throw;
    }
    for (std::size_t f = 0; f < written.size(); ++f) {
        std::error_code ec;
        fs::rename(temporary_for(written[f]), written[f], ec);
        if (ec) {
            // Leave no output rather than part of it.
            for (std::size_t g = 0; g < written.size(); ++g) {
                std::error_code ignored;
                fs::remove(g < f ? written[g] : temporary_for(written[g]), ignored);
            }
            throw simulation_error("cannot write " + written[f].string() + ": " + ec.message());
        }
    }
    return written;
}

} // namespace sf::lems
