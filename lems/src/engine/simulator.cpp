#include <chrono>
#include <cmath>

#include <sf/lems/recordings.hpp>
#include <sf/lems/simulator.hpp>

#include "executor.hpp"
#include "runtime_builder.hpp"
#include "simulation_plan.hpp"
#include "tied_comparisons.hpp"

namespace sf::lems {
namespace fs = std::filesystem;
using engine::value_source;

namespace {

using engine::simulation_element;

struct column_recorder {
    value_source source;
};

struct data_file {
    fs::path path;
    std::vector<column_recorder> columns;
    std::vector<float> rows; // time followed by the columns, per step
};

struct recorder_target {
    std::size_t file = 0;
    std::string id;
};

} // namespace

const component& find_simulation(const model& m, const std::string& id) {
    std::string wanted = id;
    if (wanted.empty()) {
        if (m.targets.empty()) {
            throw parse_error{
                source_location{m.files.empty() ? "" : m.files.front(), 0}, "Target",
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
    const engine::simulation_plan plan = engine::plan_simulation(m, id);
    engine::runtime rt =
        engine::build_runtime(*plan.target, engine::recorded_paths(*plan.simulation));
    for (const auto& trace : engine::plan_outputs(*plan.simulation, {}).traces) {
        for (std::size_t c = 0; c < trace.columns.size(); ++c) {
            engine::resolve_quantity(*rt.graph, trace.quantities[c], *trace.columns[c]);
        }
    }
}

namespace {

// Where a simulation's recordings go: trace files sampled every step, and event files fed by the
// recorders attached to output ports.
struct recordings {
    std::vector<data_file> data_files;
    std::vector<recorded_events> event_files;
    std::vector<recorder_target> recorders;
};

recordings plan_recordings(engine::runtime& rt, const engine::output_plan& outputs) {
    recordings r;
    for (const auto& trace : outputs.traces) {
        data_file file;
        file.path = trace.path;
        for (std::size_t c = 0; c < trace.columns.size(); ++c) {
            file.columns.push_back(
                {engine::resolve_quantity(*rt.graph, trace.quantities[c], *trace.columns[c])});
        }
        r.data_files.push_back(std::move(file));
    }
    for (const auto& planned : outputs.events) {
        recorded_events file;
        file.path = planned.path;
        file.id_first = planned.id_first;
        for (const auto& selection : planned.selections) {
            engine::instance* found = engine::resolve_selection(*rt.graph, selection);
            engine::kind& owner = *found->owner;
            const int port = selection.port.empty() ? (owner.output_ports.empty() ? -1 : 0)
                                                    : owner.output_port_index(selection.port);
            if (port < 0) {
                throw parse_error{selection.selection->where, selection.selection->label(),
                                  found->comp->label() + " has no output event port '" +
                                      selection.port + "'"};
            }
            owner.output_ports[static_cast<std::size_t>(port)]
                .recorders[static_cast<std::size_t>(found->index)]
                .push_back(static_cast<int>(r.recorders.size()));
            r.recorders.push_back({r.event_files.size(), selection.selection->id});
        }
        r.event_files.push_back(std::move(file));
    }
    return r;
}

// Compiles the groups' kernels when asked to or when the run is long enough to pay for it;
// returns how the run executes, for the summary.
std::string choose_execution(engine::runtime& rt, const simulation_options& options,
                             std::int64_t steps, const recordings& out) {
    using clock = std::chrono::steady_clock;
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
    if (!compile) {
        return "interpreted";
    }
    report_progress(options.progress, "compiling kernels");
    const auto compile_start = clock::now();
    try {
        std::vector<const double*> watched;
        for (const auto& file : out.data_files) {
            for (const auto& column : file.columns) {
                watched.push_back(column.source.cell);
            }
        }
        rt.native = engine::native_code::build(rt.schedule, rt.kinds, watched);
        return "compiled kernels (" +
               std::to_string(std::chrono::duration<double>(clock::now() - compile_start).count()) +
               " s to compile)";
    } catch (const simulation_error& e) {
        if (options.native == simulation_options::native_code::always) {
            throw;
        }
        return std::string("interpreted (") + e.what() + ")";
    }
}

// The step loop: every step advanced, then every trace sampled (the initial state included).
void run_steps(engine::executor& exec, double dt, std::int64_t steps,
               const simulation_options& options, std::vector<data_file>& data_files) {
    exec.initialize();
    const bool by_steps = options.time == simulation_options::time_keeping::steps;
    const auto total = static_cast<std::uint64_t>(steps);
    double t = 0.0;
    for (std::int64_t istep = 0; istep <= steps; ++istep) {
        if (static_cast<std::uint64_t>(istep) % progress_interval_steps == 0) {
            report_progress(options.progress, "running", static_cast<std::uint64_t>(istep), total,
                            "steps");
        }
        if (by_steps) {
            t = static_cast<double>(istep) * dt;
        }
        if (istep > 0) {
            exec.step(t);
        }
        for (auto& file : data_files) {
            file.rows.push_back(static_cast<float>(t));
            for (const auto& column : file.columns) {
                file.rows.push_back(static_cast<float>(column.source.get()));
            }
        }
        t += dt; // accumulated, not n*dt, as the reference simulator does (unless by_steps)
    }
}

} // namespace

simulation_summary simulate(const model& m, const simulation_options& options) {
    using clock = std::chrono::steady_clock;
    const auto build_start = clock::now();
    report_progress(options.progress, "building");
    const engine::simulation_plan plan = engine::plan_simulation(m, options.simulation_id);
    const component& sim = *plan.simulation;
    engine::runtime rt =
        engine::build_runtime(*plan.target, engine::recorded_paths(sim), !options.reference_order);
    if (options.time == simulation_options::time_keeping::steps) {
        engine::tie_comparisons(rt.kinds);
    }
    recordings out = plan_recordings(rt, engine::plan_outputs(sim, options.output_dir));

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
        const recorder_target& target = out.recorders[static_cast<std::size_t>(recorder)];
        out.event_files[target.file].events.emplace_back(time, target.id);
    });
    if (options.time == simulation_options::time_keeping::steps) {
        exec.tie_event_times();
    }
    const auto steps = static_cast<std::int64_t>(std::llround(plan.length / plan.step));
    summary.steps = steps;
    summary.execution = choose_execution(rt, options, steps, out);
    for (auto& file : out.data_files) {
        file.rows.reserve(static_cast<std::size_t>(steps + 1) * (file.columns.size() + 1));
    }
    summary.build_seconds = std::chrono::duration<double>(clock::now() - build_start).count();

    const auto run_start = clock::now();
    run_steps(exec, plan.step, steps, options, out.data_files);
    summary.run_seconds = std::chrono::duration<double>(clock::now() - run_start).count();
    report_progress(options.progress, "writing");
    summary.events_sent = exec.counters().events_sent;
    summary.events_delivered = exec.counters().events_delivered;
    summary.member_updates = exec.counters().member_updates;

    std::vector<recorded_trace> traces;
    for (auto& file : out.data_files) {
        traces.push_back({file.path, file.columns.size(), std::move(file.rows)});
    }
    summary.files_written = write_recordings(traces, out.event_files);
    report_finished(options.progress);
    return summary;
}

} // namespace sf::lems
