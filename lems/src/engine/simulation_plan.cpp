#include <cstdlib>
#include <functional>

#include <sf/lems/error.hpp>
#include <sf/lems/simulator.hpp>

#include "runtime_builder.hpp"
#include "simulation_plan.hpp"

namespace sf::lems::engine {
namespace fs = std::filesystem;

const simulation_decl* simulation_element(const component& c, simulation_kind kind) {
    if (c.type == nullptr) {
        return nullptr;
    }
    for (const simulation_decl& decl : c.type->simulation) {
        if (decl.kind == kind) {
            return &decl;
        }
    }
    return nullptr;
}

namespace {

std::string text_member(const component& c, const std::string& member) {
    const auto it = c.texts.find(member);
    return it == c.texts.end() ? std::string() : it->second;
}

double parameter_member(const component& c, const std::string& member, const std::string& what) {
    const auto it = c.parameters.find(member);
    if (it == c.parameters.end()) {
        throw parse_error{c.where, c.label(), "needs a value for " + what + " ('" + member + "')"};
    }
    return it->second;
}

fs::path output_path(const fs::path& output_dir, const component& sim, const component& file,
                     const std::string& folder, const std::string& name) {
    if (name.empty()) {
        throw parse_error{file.where, file.label(), "needs a fileName"};
    }
    fs::path base = output_dir.empty() ? fs::path(sim.where.file).parent_path() : output_dir;
    if (!folder.empty()) {
        base /= folder;
    }
    return base / name;
}

} // namespace

simulation_plan plan_simulation(const model& m, const std::string& id) {
    simulation_plan plan;
    plan.simulation = &find_simulation(m, id);
    const component& sim = *plan.simulation;
    const simulation_decl* run = simulation_element(sim, simulation_kind::run);
    const auto target = sim.references.find(run->component);
    if (target == sim.references.end()) {
        throw parse_error{sim.where, sim.label(),
                          "has no target component to run ('" + run->component + "')"};
    }
    plan.target = target->second;
    plan.length = parameter_member(sim, run->total, "the simulation length");
    plan.step = parameter_member(sim, run->increment, "the time step");
    if (!(plan.step > 0.0)) {
        throw parse_error{sim.where, sim.label(), "the time step must be positive"};
    }
    if (!(plan.length >= 0.0) || plan.length / plan.step > 1e10) {
        throw parse_error{sim.where, sim.label(),
                          "the simulation length must be non-negative and at most 1e10 steps"};
    }
    if (const std::string seed = text_member(sim, "seed"); !seed.empty()) {
        char* end = nullptr;
        const long long value = std::strtoll(seed.c_str(), &end, 10);
        if (end == seed.c_str() || *end != '\0' || value < INT32_MIN || value > INT32_MAX) {
            throw parse_error{sim.where, sim.label(),
                              "seed=\"" + seed + "\" is not a 32-bit integer"};
        }
        plan.seed = value;
    }
    return plan;
}

std::vector<std::string> recorded_paths(const component& sim) {
    std::vector<std::string> paths;
    std::function<void(const component&)> visit = [&](const component& c) {
        if (const auto* record = simulation_element(c, simulation_kind::record)) {
            const std::string quantity = text_member(c, record->quantity);
            const auto slash = quantity.rfind('/');
            paths.push_back(slash == std::string::npos ? std::string() : quantity.substr(0, slash));
        }
        if (const auto* record = simulation_element(c, simulation_kind::event_record)) {
            paths.push_back(text_member(c, record->quantity));
        }
        for (const auto& child : c.children) {
            visit(*child);
        }
    };
    visit(sim);
    return paths;
}

output_plan plan_outputs(const component& sim, const fs::path& output_dir) {
    output_plan plan;
    std::function<void(const component&)> collect = [&](const component& c) {
        if (const auto* writer = simulation_element(c, simulation_kind::data_writer)) {
            planned_trace file;
            file.file = &c;
            file.path = output_path(output_dir, sim, c, text_member(c, writer->path),
                                    text_member(c, writer->file_name));
            for (const auto& child : c.children) {
                if (const auto* record = simulation_element(*child, simulation_kind::record)) {
                    file.columns.push_back(child.get());
                    file.quantities.push_back(text_member(*child, record->quantity));
                }
            }
            plan.traces.push_back(std::move(file));
            return;
        }
        if (const auto* writer = simulation_element(c, simulation_kind::event_writer)) {
            planned_event_file file;
            file.file = &c;
            file.path = output_path(output_dir, sim, c, text_member(c, writer->path),
                                    text_member(c, writer->file_name));
            const std::string format = text_member(c, writer->format);
            if (format != "TIME_ID" && format != "ID_TIME" && !format.empty()) {
                throw parse_error{c.where, c.label(),
                                  "format=\"" + format + "\" (expected TIME_ID or ID_TIME)"};
            }
            file.id_first = format == "ID_TIME";
            for (const auto& child : c.children) {
                if (const auto* record =
                        simulation_element(*child, simulation_kind::event_record)) {
                    file.selections.push_back({child.get(), text_member(*child, record->quantity),
                                               text_member(*child, record->event_port)});
                }
            }
            plan.events.push_back(std::move(file));
            return;
        }
        for (const auto& child : c.children) {
            collect(*child);
        }
    };
    collect(sim);
    return plan;
}

value_source resolve_quantity(instance_graph& graph, const std::string& quantity,
                              const component& where) {
    const auto slash = quantity.rfind('/');
    const std::string prefix =
        slash == std::string::npos ? std::string() : quantity.substr(0, slash);
    const std::string variable = slash == std::string::npos ? quantity : quantity.substr(slash + 1);
    const auto targets =
        prefix.empty() ? std::vector<instance*>{graph.root()} : graph.resolve(graph.root(), prefix);
    if (targets.size() != 1) {
        throw parse_error{
            where.where, where.label(),
            "quantity \"" + quantity + "\": '" + prefix + "' " +
                (targets.empty() ? "matches no component" : "matches several components")};
    }
    auto source = variable_source(targets.front(), variable);
    if (!source) {
        throw parse_error{where.where, where.label(),
                          "quantity \"" + quantity + "\": " + targets.front()->comp->label() +
                              " has no variable '" + variable + "'"};
    }
    return *source;
}

instance* resolve_selection(instance_graph& graph, const planned_event_selection& selection) {
    const auto found = graph.resolve(graph.root(), selection.select);
    if (found.size() != 1) {
        throw parse_error{selection.selection->where, selection.selection->label(),
                          "select=\"" + selection.select + "\" " +
                              (found.empty() ? "matches no cell" : "matches several cells")};
    }
    return found.front();
}

} // namespace sf::lems::engine
