#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include <sf/mapper/mapped_network.hpp>

// `spikeforge map --report`: how the model was mapped, as JSON (docs/reports.md,
// spikeforge-map-report/1); the facts of mapped_network::summary() and the image written.
namespace sf::cli {

inline constexpr const char* map_report_schema = "spikeforge-map-report/1";

nlohmann::ordered_json map_report_json(const mapper::mapped_network& mapped,
                                       const std::string& image_file, std::size_t image_bytes);

} // namespace sf::cli
