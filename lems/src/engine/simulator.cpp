#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include <sf/lems/simulator.hpp>

#include "executor.hpp"
#include "java_format.hpp"
#include "runtime_builder.hpp"

namespace sf::lems {
namespace fs = std::filesystem;
using engine::value_source;

namespace {

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

struct column_recorder {
    value_source source;
};

struct data_file {
    fs::path path;
    std::vector<column_recorder> columns;
    std::vector<float> rows; // time followed by the columns, per step
};

struct event_file {
    fs::path path;
    bool id_first = false;
    std::vector<std::pair<double, std::string>> events;
};

struct recorder_target {
    std::size_t file = 0;
    std::string id;
};

struct simulation_plan {
    const component* simulation = nullptr;
    const component* target = nullptr;
    double length = 0.0;
    double step = 0.0;
    std::int64_t seed = 1234;
};

simulation_plan plan_simulation(const model& m, const std::string& id) {
    simulation_plan plan;
    plan.simulation = &find_simulation(m, id);
    const component& sim = *plan.simulation;
    const simulation_decl* run = simulation_element(sim, simulation_kind::run);
    const auto target = sim.references.find(run->component);
    if (target == sim.references.end()) {
        throw parse_error{sim.where, sim.label(), "has no target component to run ('" + run->component + "')"};
    }
    plan.target = target->second;
    plan.length = parameter_member(sim, run->total, "the simulation length");
    plan.step = parameter_member(sim, run->increment, "the time step");
    if (!(plan.step > 0.0)) {
        throw parse_error{sim.where, sim.label(), "the time step must be positive"};
    }
    if (!(plan.length >= 0.0) || plan.length / plan.step > 1e10) {
        throw parse_error{sim.where, sim.label(), "the simulation length must be non-negative and at most 1e10 steps"};
    }
    if (const std::string seed = text_member(sim, "seed"); !seed.empty()) {
        char* end = nullptr;
        const long long value = std::strtoll(seed.c_str(), &end, 10);
        if (end == seed.c_str() || *end != '\0' || value < INT32_MIN || value > INT32_MAX) {
            throw parse_error{sim.where, sim.label(), "seed=\"" + seed + "\" is not a 32-bit integer"};
        }
        plan.seed = value;
    }
    return plan;
}

value_source resolve_quantity(engine::instance_graph& graph, const std::string& quantity, const component& where) {
    const auto slash = quantity.rfind('/');
    const std::string prefix = slash == std::string::npos ? std::string() : quantity.substr(0, slash);
    const std::string variable = slash == std::string::npos ? quantity : quantity.substr(slash + 1);
    const auto targets = prefix.empty() ? std::vector<engine::instance*>{graph.root()} : graph.resolve(graph.root(), prefix);
    if (targets.size() != 1) {
        throw parse_error{where.where, where.label(), "quantity \"" + quantity + "\": '" + prefix + "' " +
                                                          (targets.empty() ? "matches no component" : "matches several components")};
    }
    auto source = engine::variable_source(targets.front(), variable);
    if (!source) {
        throw parse_error{where.where, where.label(), "quantity \"" + quantity + "\": " + targets.front()->comp->label() +
                                                          " has no variable '" + variable + "'"};
    }
    return *source;
}

fs::path output_path(const simulation_options& options, const component& sim, const component& file,
                     const std::string& folder, const std::string& name) {
    if (name.empty()) {
        throw parse_error{file.where, file.label(), "needs a fileName"};
    }
    fs::path base = options.output_dir.empty() ? fs::path(sim.where.file).parent_path() : options.output_dir;
    if (!folder.empty()) {
        base /= folder;
    }
    return base / name;
}

// Writes to a temporary beside the destination; renamed into place only when every file is done.
fs::path temporary_for(const fs::path& path) { return fs::path(path.string() + ".partial"); }

void write_text(const fs::path& path, const std::string& text) {
    std::error_code ec;
    fs::create_directories(path.parent_path().empty() ? fs::path(".") : path.parent_path(), ec);
    if (ec) {
        throw runtime_error("cannot create the folder for " + path.string() + ": " + ec.message());
    }
    std::ofstream out(temporary_for(path), std::ios::binary);
    out << text;
    out.close();
    if (!out) {
        throw runtime_error("cannot write " + path.string());
    }
}

// The paths of everything the simulation records: those instances keep their identity.
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


} // namespace

const component& find_simulation(const model& m, const std::string& id) {
    std::string wanted = id;
    if (wanted.empty()) {
        if (m.targets.empty()) {
            throw parse_error{source_location{m.files.empty() ? "" : m.files.front(), 0}, "Target",
                              "the model has no <Target component=\"...\"/> naming the Simulation to run"};
        }
        wanted = m.targets.front();
    }
    const component* sim = m.find_component(wanted);
    if (sim == nullptr) {
        throw parse_error{source_location{}, "Target", "no component with id '" + wanted + "'"};
    }
    if (simulation_element(*sim, simulation_kind::run) == nullptr) {
        throw parse_error{sim->where, sim->label(),
                          "is a " + (sim->type != nullptr ? sim->type->name : sim->type_name) +
                              ", not a Simulation (its type has no <Simulation><Run .../>)"};
    }
    return *sim;
}

void check_simulation(const model& m, const std::string& id) {
    const simulation_plan plan = plan_simulation(m, id);
    engine::runtime rt = engine::build_runtime(*plan.target, recorded_paths(*plan.simulation));
    std::function<void(const component&)> visit = [&](const component& c) {
        if (const auto* record = simulation_element(c, simulation_kind::record);
            record != nullptr && simulation_element(*c.parent, simulation_kind::data_writer) != nullptr) {
            resolve_quantity(*rt.graph, text_member(c, record->quantity), c);
        }
        for (const auto& child : c.children) {
            visit(*child);
        }
    };
    visit(*plan.simulation);
}


simulation_summary simulate(const model& m, const simulation_options& options) {
    using clock = std::chrono::steady_clock;
    const auto build_start = clock::now();
    const simulation_plan plan = plan_simulation(m, options.simulation_id);
    const component& sim = *plan.simulation;
    engine::runtime rt = engine::build_runtime(*plan.target, recorded_paths(sim), !options.reference_order);

    std::vector<data_file> data_files;
    std::vector<event_file> event_files;
    std::vector<recorder_target> recorders;
    std::function<void(const component&)> collect = [&](const component& c) {
        if (const auto* writer = simulation_element(c, simulation_kind::data_writer)) {
            data_file file;
            file.path = output_path(options, sim, c, text_member(c, writer->path), text_member(c, writer->file_name));
            for (const auto& child : c.children) {
                if (const auto* record = simulation_element(*child, simulation_kind::record)) {
                    file.columns.push_back({resolve_quantity(*rt.graph, text_member(*child, record->quantity), *child)});
                }
            }
            data_files.push_back(std::move(file));
            return;
        }
        if (const auto* writer = simulation_element(c, simulation_kind::event_writer)) {
            event_file file;
            file.path = output_path(options, sim, c, text_member(c, writer->path), text_member(c, writer->file_name));
            const std::string format = text_member(c, writer->format);
            if (format != "TIME_ID" && format != "ID_TIME" && !format.empty()) {
                throw parse_error{c.where, c.label(), "format=\"" + format + "\" (expected TIME_ID or ID_TIME)"};
            }
            file.id_first = format == "ID_TIME";
            for (const auto& child : c.children) {
                const auto* record = simulation_element(*child, simulation_kind::event_record);
                if (record == nullptr) {
                    continue;
                }
                const std::string select = text_member(*child, record->quantity);
                const auto found = rt.graph->resolve(rt.graph->root(), select);
                if (found.size() != 1) {
                    throw parse_error{child->where, child->label(),
                                      "select=\"" + select + "\" " + (found.empty() ? "matches no cell" : "matches several cells")};
                }
                engine::kind& owner = *found.front()->owner;
                std::string port_name = text_member(*child, record->event_port);
                const int port = port_name.empty() ? (owner.output_ports.empty() ? -1 : 0) : owner.output_port_index(port_name);
                if (port < 0) {
                    throw parse_error{child->where, child->label(),
                                      found.front()->comp->label() + " has no output event port '" + port_name + "'"};
                }
                owner.output_ports[static_cast<std::size_t>(port)]
                    .recorders[static_cast<std::size_t>(found.front()->index)]
                    .push_back(static_cast<int>(recorders.size()));
                recorders.push_back({event_files.size(), child->id});
            }
            event_files.push_back(std::move(file));
            return;
        }
        for (const auto& child : c.children) {
            collect(*child);
        }
    };
    collect(sim);

    simulation_summary summary;
    summary.simulation_id = sim.id;
    summary.target_id = plan.target->id;
    summary.length = plan.length;
    summary.step = plan.step;
    summary.seed = plan.seed;
    for (const auto& k : rt.kinds) {
        summary.instances += static_cast<std::uint64_t>(k->size);
    }

    engine::executor exec(rt, plan.step, plan.seed, [&](int recorder, double time) {
        const recorder_target& target = recorders[static_cast<std::size_t>(recorder)];
        event_files[target.file].events.emplace_back(time, target.id);
    });
    const auto steps = static_cast<std::int64_t>(std::llround(plan.length / plan.step));
    summary.steps = steps;
    summary.execution = "interpreted";
    double grouped_members = 0.0;
    for (const auto& entry : rt.schedule) {
        grouped_members += static_cast<double>(entry.members.size());
    }
    // Compiling takes about a second; below this many member updates interpreting is as quick.
    constexpr double worth_compiling = 5e7;
    const bool compile = grouped_members > 0 && !options.reference_order &&
                         (options.native == simulation_options::native_code::always ||
                          (options.native == simulation_options::native_code::automatic &&
                           grouped_members * static_cast<double>(steps) >= worth_compiling));
    if (compile) {
        const auto compile_start = clock::now();
        try {
            rt.native = engine::native_code::build(rt.schedule, rt.kinds);
            summary.execution = "compiled kernels (" +
                                std::to_string(std::chrono::duration<double>(clock::now() - compile_start).count()) +
                                " s to compile)";
        } catch (const runtime_error& e) {
            if (options.native == simulation_options::native_code::always) {
                throw;
            }
            summary.execution = std::string("interpreted (") + e.what() + ")";
        }
    }
    for (auto& file : data_files) {
        file.rows.reserve(static_cast<std::size_t>(steps + 1) * (file.columns.size() + 1));
    }
    summary.build_seconds = std::chrono::duration<double>(clock::now() - build_start).count();

    const auto run_start = clock::now();
    exec.initialize();
    double t = 0.0;
    for (std::int64_t istep = 0; istep <= steps; ++istep) {
        if (istep > 0) {
            exec.step(t);
        }
        for (auto& file : data_files) {
            file.rows.push_back(static_cast<float>(t));
            for (const auto& column : file.columns) {
                file.rows.push_back(static_cast<float>(column.source.get()));
            }
        }
        t += plan.step; // accumulated, not n*dt, as the reference simulator does
    }
    summary.run_seconds = std::chrono::duration<double>(clock::now() - run_start).count();
    summary.events_sent = exec.counters().events_sent;
    summary.events_delivered = exec.counters().events_delivered;
    summary.member_updates = exec.counters().member_updates;

    std::vector<fs::path> written;
    try {
        for (const auto& file : data_files) {
            std::string text;
            const std::size_t width = file.columns.size() + 1;
            text.reserve(file.rows.size() * 14);
            for (std::size_t r = 0; r + width <= file.rows.size(); r += width) {
                for (std::size_t c = 0; c < width; ++c) {
                    text += engine::java_float_string(file.rows[r + c]);
                    text += '\t';
                }
                text += '\n';
            }
            written.push_back(file.path);
            write_text(file.path, text);
        }
        for (const auto& file : event_files) {
            std::string text;
            for (const auto& [time, id] : file.events) {
                const std::string stamp = engine::java_float_string(time);
                text += file.id_first ? id + "\t" + stamp + "\n" : stamp + "\t" + id + "\n";
            }
            written.push_back(file.path);
            write_text(file.path, text);
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
            throw runtime_error("cannot write " + written[f].string() + ": " + ec.message());
        }
    }
    summary.files_written = written;
    return summary;
}

} // namespace sf::lems
