#include "compile_report.hpp"
#include "quantisation_json.hpp"

namespace sf::cli {

nlohmann::ordered_json
compile_report_json(const lems::ir::network& net, const mapper::compiled_network& compiled,
                    const std::map<int, std::filesystem::path>& assembly_files) {
    using json = nlohmann::ordered_json;
    json programs = json::array();
    for (const mapper::compiled_group& group : compiled.groups) {
        const auto& g = net.groups[static_cast<std::size_t>(group.group)];
        std::size_t samples = 0;
        for (const auto& table : group.tables) {
            samples += table.samples.size();
        }
        const auto file = assembly_files.find(group.group);
        programs.push_back({{"population", g.label},
                            {"component", g.component},
                            {"instructions", group.program.size()},
                            {"constants", group.constants.size()},
                            {"tables", group.tables.size()},
                            {"table_samples", samples},
                            {"state_words", group.state_words},
                            {"input_channels", group.input_channels},
                            {"assembly_file",
                             file == assembly_files.end() ? json() : json(file->second.string())}});
    }
    json report = {{"schema", compile_report_schema}};
    report.update(quantisation_json(compiled.report));
    report["weight_range"] = {{"min", compiled.min_weight}, {"max", compiled.max_weight}};
    report["programs"] = programs;
    return report;
}

} // namespace sf::cli
