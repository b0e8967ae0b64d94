#include "quantisation_json.hpp"

namespace sf::cli {
using json = nlohmann::ordered_json;

namespace {

json parameters_json(const std::vector<mapper::parameter_entry>& parameters) {
    json list = json::array();
    for (const auto& p : parameters) {
        list.push_back({{"name", p.name},
                        {"value", p.value},
                        {"quantised", p.quantised},
                        {"frac_bits", p.format.frac_bits},
                        {"relative_error", p.relative_error()},
                        {"saturated", p.saturated},
                        {"underflowed", p.underflowed}});
    }
    return list;
}

json variables_json(const std::vector<mapper::variable_entry>& variables) {
    json list = json::array();
    for (const auto& v : variables) {
        list.push_back({{"name", v.name},
                        {"unit", v.unit},
                        {"low", v.low},
                        {"high", v.high},
                        {"measured", v.measured},
                        {"frac_bits", v.format.frac_bits}});
    }
    return list;
}

json tables_json(const std::vector<mapper::table_entry>& tables) {
    json list = json::array();
    for (const auto& t : tables) {
        list.push_back({{"function", t.function},
                        {"input", t.input},
                        {"low", t.low},
                        {"high", t.high},
                        {"samples", t.samples},
                        {"max_error", t.max_error},
                        {"output_range", t.output_range},
                        {"clamped_samples", t.clamped_samples}});
    }
    return list;
}

json channels_json(const std::vector<mapper::channel_entry>& channels) {
    json list = json::array();
    for (const auto& c : channels) {
        list.push_back({{"name", c.name},
                        {"connections", c.connections},
                        {"unit", c.unit},
                        {"max_relative_error", c.max_relative_error},
                        {"zero_weights", c.zero_weights},
                        {"saturated_weights", c.saturated_weights}});
    }
    return list;
}

json delays_json(const std::vector<mapper::delay_entry>& delays) {
    json list = json::array();
    for (const auto& d : delays) {
        list.push_back({{"seconds", d.seconds},
                        {"seconds_high", d.seconds_high},
                        {"steps", d.steps},
                        {"connections", d.connections}});
    }
    return list;
}

} // namespace

json population_json(const mapper::group_entry& group) {
    return {{"label", group.label},
            {"component", group.component},
            {"neurons", group.neurons},
            {"instructions", group.program_words},
            {"constants", group.constants},
            {"state_words", group.state_words},
            {"table_words", group.table_words},
            {"parameters", parameters_json(group.parameters)},
            {"variables", variables_json(group.variables)},
            {"tables", tables_json(group.tables)},
            {"channels", channels_json(group.channels)},
            {"integration", group.integration},
            {"warnings", group.warnings}};
}

json quantisation_json(const mapper::quantisation_report& report) {
    json populations = json::array();
    for (const auto& group : report.groups) {
        populations.push_back(population_json(group));
    }
    return {{"board", report.board},
            {"dt", report.dt},
            {"integrator", report.integrator},
            {"range_steps", report.range_steps},
            {"total_steps", report.total_steps},
            {"weight_bits", report.weight_bits},
            {"populations", populations},
            {"delays", delays_json(report.delays)},
            {"warnings", report.warnings}};
}

} // namespace sf::cli
