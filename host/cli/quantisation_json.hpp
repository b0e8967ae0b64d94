#pragma once

#include <nlohmann/json.hpp>

#include <sf/mapper/quantisation_report.hpp>

// The quantisation report as JSON (docs/reports.md, "quantisation"): the same facts the text
// report prints, per population and for the network, with SI values and formats as their
// fractional bits.
namespace sf::cli {

nlohmann::ordered_json quantisation_json(const mapper::quantisation_report& report);
// One population's entry: formats, warnings, instructions, state and table words.
nlohmann::ordered_json population_json(const mapper::group_entry& group);

} // namespace sf::cli
