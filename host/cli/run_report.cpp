#include "run_report.hpp"

namespace sf::cli {
using json = nlohmann::ordered_json;

namespace {

json cores_json(const firmware::kernel_counters& c) {
    return {{"neuron_updates", c.neuron_updates},
            {"instructions", c.instructions},
            {"spikes", c.spikes},
            {"synaptic_events", c.delivered_words},
            {"saturations", c.saturations},
            {"input_overflows", c.input_overflows},
            {"dropped_synaptic_words", c.dropped_words},
            {"program_faults", c.program_faults}};
}

json routers_json(const emulator::functional_counters& c) {
    return {{"packets", c.routers.packets},
            {"routed", c.routers.routed},
            {"default_routed", c.routers.default_routed},
            {"dropped", c.routers.dropped},
            {"lost", c.routers.lost},
            {"delivered", c.routers.delivered},
            {"unmatched_keys", c.unmatched_keys},
            {"looped", c.looped}};
}

// The first program fault and where it happened; null when none did.
json fault_json(const emulator::functional_emulator& board) {
    const auto [core, fault] = board.first_fault();
    if (!fault.happened) {
        return nullptr;
    }
    return {{"core", core},
            {"neuron", fault.neuron},
            {"instruction", fault.instruction},
            {"step", fault.step},
            {"status", firmware::isa::describe(fault.status)}};
}

json timing_cores_json(const emulator::timing_report& t) {
    json list = json::array();
    for (const auto& c : t.cores) {
        list.push_back({{"chip", {{"x", c.x}, {"y", c.y}}},
                        {"core", c.core},
                        {"mean_cycles", c.mean_cycles},
                        {"max_cycles", c.max_cycles},
                        {"overruns", c.overruns},
                        {"packets", c.packets},
                        {"late_rows", c.late_rows}});
    }
    return list;
}

json timing_json(const emulator::timing_report& t, const std::string& verdict) {
    json timing = {{"step_seconds", t.step_seconds},
                   {"cycle_budget", t.budget},
                   {"worst_load", t.worst_load()},
                   {"overruns", t.overruns},
                   {"late_rows", t.late_rows},
                   {"late_words", t.late_words},
                   {"emergency_routed", t.emergency_routed},
                   {"dropped", t.dropped},
                   {"reinjected", t.reinjected},
                   {"lost", t.lost},
                   {"missing_words", t.missing_words},
                   {"hop_limited", t.hop_limited},
                   {"router_cycles", t.router_cycles},
                   {"wall_seconds", t.wall_seconds},
                   {"real_time", t.real_time()},
                   {"cores", timing_cores_json(t)}};
    if (!verdict.empty()) {
        timing["real_time_verdict"] = verdict;
    }
    return timing;
}

json ranks_json(const rank_facts& r) {
    return {{"ranks", r.ranks},
            {"chips_per_rank", r.chips},
            {"cores_per_rank", r.cores},
            {"spikes_exchanged_per_step", r.spikes_per_step},
            {"bytes_exchanged_per_step", r.bytes_per_step},
            {"spikes_kept_in_rank_percent", r.kept_percent}};
}

// What ran the neuron programs; null for a target that runs no kernels.
json native_code_json(const std::optional<emulator::native_outcome>& native) {
    if (!native) {
        return nullptr;
    }
    return {{"used", native->compiled},
            {"programs", native->programs},
            {"native_cores", native->native_cores},
            {"kernel_cores", native->kernel_cores},
            {"faulting_cores", native->faulting_cores},
            {"compile_seconds", native->compile_seconds},
            {"why_kernel", native->why_kernel}};
}

} // namespace

json run_report_json(const emulator::functional_emulator& board, const run_facts& run) {
    const emulator::functional_counters c = board.counters();
    json files = json::array();
    for (const auto& file : run.written) {
        files.push_back(file.string());
    }
    return {{"schema", run_report_schema},
            {"input", run.input},
            {"target", run.target},
            {"steps", board.steps()},
            {"dt", board.dt()},
            {"cores", board.core_count()},
            {"chips", board.chip_count()},
            {"threads", run.threads},
            {"wall_seconds", run.seconds},
            {"neuron_cores", cores_json(c.cores)},
            {"routers", routers_json(c)},
            {"held_rows", c.held_rows},
            {"first_fault", fault_json(board)},
            {"native_code", native_code_json(run.native_code)},
            {"timing", run.timing ? timing_json(*run.timing, run.real_time_verdict) : json()},
            {"mpi", run.ranks ? ranks_json(*run.ranks) : json()},
            {"files_written", files}};
}

} // namespace sf::cli
