#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include <sf/lems/network_ir.hpp>
#include <sf/mapper/quantise.hpp>

// `spikeforge compile --report`: each population's core program and its quantisation, as JSON
// (docs/reports.md, spikeforge-compile-report/1); the facts of the quantisation report.
namespace sf::cli {

inline constexpr const char* compile_report_schema = "spikeforge-compile-report/1";

// `assembly_files`: per group index, the assembly file --asm wrote for it.
nlohmann::ordered_json
compile_report_json(const lems::ir::network& net, const mapper::compiled_network& compiled,
                    const std::map<int, std::filesystem::path>& assembly_files);

} // namespace sf::cli
