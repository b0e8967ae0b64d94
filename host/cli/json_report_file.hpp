#pragma once

#include <string>

#include <nlohmann/json.hpp>

// Where a command's machine-readable report goes (--report FILE.json, docs/reports.md). The file
// is written whole or not at all: to a temporary file beside it, then renamed over it, so that a
// script never reads half a report.
namespace sf::cli {

class json_report_file {
public:
    json_report_file() = default; // no report asked for
    explicit json_report_file(std::string path) : path_(std::move(path)) {}

    bool wanted() const { return !path_.empty(); }
    const std::string& path() const { return path_; }

    // What stops the report from being written, checked before the command does its work so that
    // an unwritable path costs nothing; empty when nothing does (or no report is wanted).
    std::string problem() const;
    // Writes `report` (when wanted); what went wrong, or empty.
    std::string write(const nlohmann::ordered_json& report) const;

private:
    std::string temporary_path() const;

    std::string path_;
};

} // namespace sf::cli
