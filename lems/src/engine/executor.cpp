#include <algorithm>
#include <cmath>

#include <sf/firmware/assert.hpp>
#include <sf/lems/error.hpp>

#include "executor.hpp"
#include "lems_functions.hpp"
#include "tie_tolerance.hpp"

namespace sf::lems::engine {
namespace {

std::vector<double>& column(kind& k, int c) { return k.columns[static_cast<std::size_t>(c)]; }
const std::vector<double>& column(const kind& k, int c) {
    return k.columns[static_cast<std::size_t>(c)];
}

// One instruction of the stack machine on the stack `s` whose top is at `top`.
inline void execute(const instruction& ins, double* s, int& top, const kind& k, std::size_t member,
                    java_random& random) { // long: table
    switch (ins.op) {
    case opcode::variable: s[++top] = column(k, ins.column)[member]; break;
    case opcode::constant: s[++top] = ins.value; break;
    case opcode::negate: s[top] = -s[top]; break;
    case opcode::add:
        --top;
        s[top] = s[top] + s[top + 1];
        break;
    case opcode::subtract:
        --top;
        s[top] = s[top] - s[top + 1];
        break;
    case opcode::multiply:
        --top;
        s[top] = s[top] * s[top + 1];
        break;
    case opcode::divide:
        --top;
        s[top] = s[top] / s[top + 1];
        break;
    case opcode::power:
        --top;
        s[top] = std::pow(s[top], s[top + 1]);
        break;
    case opcode::greater:
        --top;
        s[top] = s[top] > s[top + 1] ? 1.0 : 0.0;
        break;
    case opcode::less:
        --top;
        s[top] = s[top] < s[top + 1] ? 1.0 : 0.0;
        break;
    case opcode::greater_equal:
        --top;
        s[top] = s[top] >= s[top + 1] ? 1.0 : 0.0;
        break;
    case opcode::less_equal:
        --top;
        s[top] = s[top] <= s[top + 1] ? 1.0 : 0.0;
        break;
    case opcode::equal:
        --top;
        s[top] = s[top] == s[top + 1] ? 1.0 : 0.0;
        break;
    case opcode::not_equal:
        --top;
        s[top] = s[top] != s[top + 1] ? 1.0 : 0.0;
        break;
    case opcode::logical_and:
        --top;
        s[top] = (s[top] != 0.0 && s[top + 1] != 0.0) ? 1.0 : 0.0;
        break;
    case opcode::logical_or:
        --top;
        s[top] = (s[top] != 0.0 || s[top + 1] != 0.0) ? 1.0 : 0.0;
        break;
    case opcode::exp: s[top] = std::exp(s[top]); break;
    case opcode::log: s[top] = std::log(s[top]); break;
    case opcode::sqrt: s[top] = std::sqrt(s[top]); break;
    case opcode::sin: s[top] = std::sin(s[top]); break;
    case opcode::cos: s[top] = std::cos(s[top]); break;
    case opcode::tan: s[top] = std::tan(s[top]); break;
    case opcode::sinh: s[top] = std::sinh(s[top]); break;
    case opcode::cosh: s[top] = std::cosh(s[top]); break;
    case opcode::tanh: s[top] = std::tanh(s[top]); break;
    case opcode::abs: s[top] = std::fabs(s[top]); break;
    case opcode::ceil: s[top] = std::ceil(s[top]); break;
    case opcode::floor: s[top] = std::floor(s[top]); break;
    case opcode::heaviside: s[top] = heaviside(s[top]); break;
    case opcode::random: s[top] = s[top] * random.next_double(); break;
    case opcode::factorial: s[top] = factorial(s[top]); break;
    case opcode::time: SF_ASSERT(!"a compiled expression reads the time as a column"); break;
    }
}

} // namespace

executor::executor(runtime& rt, double dt, std::int64_t seed, event_sink sink)
    : rt_(rt), dt_(dt), random_(seed), sink_(std::move(sink)) {
    stack_.resize(64);
}

double executor::evaluate(const compiled_expression& e, const kind& k, int i) {
    if (static_cast<std::size_t>(e.max_depth) + 1 > stack_.size()) {
        stack_.resize(static_cast<std::size_t>(e.max_depth) + 1);
    }
    double* s = stack_.data();
    int top = -1;
    const auto member = static_cast<std::size_t>(i);
    for (const instruction& ins : e.code) {
        execute(ins, s, top, k, member, random_);
    }
    return s[0];
}

void executor::run_actions(const std::vector<action>& actions, kind& k, int i) {
    const auto member = static_cast<std::size_t>(i);
    // As in the reference simulator: every assignment first, then the events, then a transition.
    for (const action& a : actions) {
        if (a.op == action_op::assign) {
            column(k, a.column)[member] = evaluate(a.value, k, i);
        }
    }
    for (const action& a : actions) {
        if (a.op == action_op::event_out) {
            send(k, i, a.port);
        }
    }
    for (const action& a : actions) {
        if (a.op == action_op::transition) {
            enter_regime(k, i, a.regime);
        }
    }
}

void executor::send(kind& k, int i, int port) {
    ++counters_.events_sent;
    output_port& out = k.output_ports[static_cast<std::size_t>(port)];
    const auto member = static_cast<std::size_t>(i);
    for (int recorder : out.recorders[member]) {
        sink_(recorder, time_);
    }
    for (const event_target& target : out.targets[member]) {
        if (target.delay <= 0.0) {
            deliver(target);
        } else {
            // At least one step ahead, and never after the step it is due in (the bucket is
            // checked against the exact due time when it comes).
            const auto whole_steps = static_cast<std::uint64_t>(target.delay / dt_);
            const std::uint64_t ahead = whole_steps > 1 ? whole_steps - 1 : 1;
            if (buckets_.size() <= ahead + 1) {
                grow_buckets(ahead + 2);
            }
            buckets_[(step_index_ + ahead) % buckets_.size()].push_back(
                queued_event{time_ + target.delay, sequence_++, &target});
        }
    }
}

void executor::grow_buckets(std::size_t size) {
    // Re-file pending events by their step in a larger ring.
    std::vector<std::vector<queued_event>> larger(std::max(size, buckets_.size() * 2));
    for (std::size_t offset = 0; offset < buckets_.size(); ++offset) {
        const std::uint64_t step = step_index_ + offset;
        auto& from = buckets_[step % buckets_.size()];
        auto& to = larger[step % larger.size()];
        to.insert(to.end(), from.begin(), from.end());
    }
    buckets_.swap(larger);
}

void executor::deliver(const event_target& target) {
    ++counters_.events_delivered;
    kind& k = *target.target.owner;
    const int i = target.target.index;
    if (target.property_column >= 0) {
        column(k, target.property_column)[static_cast<std::size_t>(i)] = target.property_value;
    }
    if (static_cast<std::size_t>(target.port) < k.native_on_event.size()) {
        if (const native_event_handler handler =
                k.native_on_event[static_cast<std::size_t>(target.port)]) {
            handler(k.column_data.data(), static_cast<std::size_t>(i));
            return;
        }
    }
    if (const auto it = k.on_event.find(target.port); it != k.on_event.end()) {
        run_actions(it->second, k, i);
    }
    const int regime = k.active_regime.empty() ? -1 : k.active_regime[static_cast<std::size_t>(i)];
    if (regime >= 0) {
        const regime_program& program = k.regimes[static_cast<std::size_t>(regime)];
        if (const auto it = program.on_event.find(target.port); it != program.on_event.end()) {
            run_actions(it->second, k, i);
        }
    }
}

void executor::enter_regime(kind& k, int i, int regime) {
    k.active_regime[static_cast<std::size_t>(i)] = regime;
    run_actions(k.regimes[static_cast<std::size_t>(regime)].on_entry, k, i);
}

void executor::copy_requirements(kind& k, int i) {
    const auto member = static_cast<std::size_t>(i);
    for (const requirement_copy& r : k.requirements) {
        column(k, r.column)[member] = r.source[member].get();
    }
}

void executor::evaluate_paths(kind& k, int i) {
    const auto member = static_cast<std::size_t>(i);
    for (const derived_path& p : k.path_derived) {
        const std::uint32_t begin = p.offsets[member];
        const std::uint32_t end = p.offsets[member + 1];
        double value = p.reduce == derived_path::reduction::multiply ? 1.0 : 0.0;
        for (std::uint32_t s = begin; s < end; ++s) {
            if (p.reduce == derived_path::reduction::multiply) {
                value *= p.sources[s].get();
            } else {
                value += p.sources[s].get();
            }
        }
        column(k, p.column)[member] = value;
    }
}

void executor::evaluate_derived(const std::vector<derived_expression>& list, kind& k, int i) {
    for (const derived_expression& d : list) {
        evaluate_derived(d, k, i);
    }
}

void executor::evaluate_derived(const derived_expression& d, kind& k, int i) {
    const auto member = static_cast<std::size_t>(i);
    {
        int chosen = -1;
        for (std::size_t c = 0; c < d.case_conditions.size(); ++c) {
            if (static_cast<int>(c) == d.default_case) {
                continue;
            }
            if (evaluate(d.case_conditions[c], k, i) != 0.0) {
                chosen = static_cast<int>(c);
                break;
            }
        }
        if (chosen < 0) {
            chosen = d.default_case;
        }
        column(k, d.column)[member] =
            chosen < 0 ? 0.0 : evaluate(d.case_values[static_cast<std::size_t>(chosen)], k, i);
    }
}

void executor::sync_exposures(kind& k, int i) {
    const auto member = static_cast<std::size_t>(i);
    for (const auto& [variable, snapshot] : k.exposure_sync) {
        column(k, snapshot)[member] = column(k, variable)[member];
    }
}

void executor::sync_exposures(kind& k, const std::vector<int>& members) {
    for (const auto& [variable, snapshot] : k.exposure_sync) {
        const std::vector<double>& from = column(k, variable);
        std::vector<double>& to = column(k, snapshot);
        for (int m : members) {
            to[static_cast<std::size_t>(m)] = from[static_cast<std::size_t>(m)];
        }
    }
}

void executor::initialize_member(kind& k, int i, bool with_derived) {
    if (!k.has_dynamics) {
        return;
    }
    copy_requirements(k, i);
    if (with_derived) {
        evaluate_paths(k, i);
        evaluate_derived(k.derived, k, i);
    }
    // The reference simulator runs the OnStart block twice per initialisation pass; the second
    // run matters only for random draws, whose stream position is reproduced this way.
    run_actions(k.on_start, k, i);
    run_actions(k.on_start, k, i);
    if (!k.regimes.empty()) {
        auto& active = k.active_regime[static_cast<std::size_t>(i)];
        if (active < 0) {
            active = k.initial_regime;
        }
        run_actions(k.regimes[static_cast<std::size_t>(active)].on_entry, k, i);
    }
    sync_exposures(k, i);
}

void executor::initialize_tree(instance* inst) {
    // The reference simulator initialises a component, its children, itself again with derived
    // variables, its children again and itself once more; values settle the same way here.
    kind& k = *inst->owner;
    initialize_member(k, inst->index, false);
    for (instance* child : inst->children) {
        initialize_tree(child);
    }
    for (instance* attached : inst->attachments) {
        initialize_tree(attached);
    }
    initialize_member(k, inst->index, true);
    for (instance* child : inst->children) {
        initialize_tree(child);
    }
    for (instance* attached : inst->attachments) {
        initialize_tree(attached);
    }
    initialize_member(k, inst->index, true);
}

void executor::initialize() {
    time_ = 0.0;
    initialize_tree(rt_.graph->root());
}

void executor::advance_member(kind& k, int i, double t) {
    const auto member = static_cast<std::size_t>(i);
    column(k, k.time_column)[member] = t;
    copy_requirements(k, i);
    evaluate_paths(k, i);
    evaluate_derived(k.derived, k, i);
    for (const rate& r : k.rates) {
        column(k, r.rate_column)[member] = evaluate(r.value, k, i);
    }
    for (const rate& r : k.rates) {
        column(k, r.state_column)[member] += dt_ * column(k, r.rate_column)[member];
    }
    for (const condition& c : k.conditions) {
        if (evaluate(c.test, k, i) != 0.0) {
            run_actions(c.actions, k, i);
        }
    }
    sync_exposures(k, i);
    if (k.regimes.empty()) {
        return;
    }
    // The active regime runs after the exposures were taken, and integrates its variables one
    // after the other, as the reference simulator does.
    const regime_program& regime = k.regimes[static_cast<std::size_t>(k.active_regime[member])];
    copy_requirements(k, i);
    evaluate_derived(regime.derived, k, i);
    for (const rate& r : regime.rates) {
        column(k, r.state_column)[member] += dt_ * evaluate(r.value, k, i);
    }
    for (const condition& c : regime.conditions) {
        if (evaluate(c.test, k, i) != 0.0) {
            run_actions(c.actions, k, i);
        }
    }
}

template <class PrecomputedTest>
void executor::run_conditions(const std::vector<condition>& conditions, PrecomputedTest test,
                              kind& k, int member) {
    bool changed = false;
    for (std::size_t c = 0; c < conditions.size(); ++c) {
        // Once an action has run, this member's later tests see its new state.
        const double passed = changed ? evaluate(conditions[c].test, k, member) : test(c);
        if (passed != 0.0) {
            run_actions(conditions[c].actions, k, member);
            changed = true;
        }
    }
}

void executor::advance_compiled(kind& k, const std::vector<int>& members, double t,
                                const native_code::group_kernels& kernels) {
    const std::size_t n = members.size();
    group_scratch& s = scratch_;
    s.fired_rows.resize(n);
    s.fired_regimes.resize(n);
    s.fired_tests.resize(n * kernels.test_stride);
    group_context context;
    context.columns = k.column_data.data();
    if (contiguous(members)) {
        context.first = static_cast<std::size_t>(members.front());
    } else {
        context.members = members.data();
    }
    context.n = n;
    context.dt = dt_;
    context.t = t;
    context.requirement_sources = kernels.requirement_sources.data();
    context.path_offsets = kernels.path_offsets.data();
    context.path_sources = kernels.path_sources.data();
    context.active_regime = k.active_regime.empty() ? nullptr : k.active_regime.data();
    context.slots = kernels.slots.data();
    context.fired_rows = s.fired_rows.data();
    context.fired_regimes = s.fired_regimes.data();
    context.fired_tests = s.fired_tests.data();

    auto run_fired = [&](std::size_t fired) {
        for (std::size_t f = 0; f < fired; ++f) {
            const double* tests = s.fired_tests.data() + f * kernels.test_stride;
            const int regime = s.fired_regimes[f];
            run_conditions(
                regime < 0 ? k.conditions : k.regimes[static_cast<std::size_t>(regime)].conditions,
                [tests](std::size_t c) { return tests[c]; }, k, members[s.fired_rows[f]]);
        }
    };
    run_fired(kernels.main(&context));
    if (!k.conditions.empty()) {
        // The compiled phase leaves the exposures to be taken after the actions.
        sync_exposures(k, members);
    }
    counters_.member_updates += n;
    if (kernels.regimes != nullptr) {
        run_fired(kernels.regimes(&context));
    }
}

void executor::copy_requirements(kind& k, const std::vector<int>& members) {
    for (const requirement_copy& r : k.requirements) {
        std::vector<double>& target = column(k, r.column);
        for (int m : members) {
            target[static_cast<std::size_t>(m)] = r.source[static_cast<std::size_t>(m)].get();
        }
    }
}

void executor::evaluate_derived(const std::vector<derived_expression>& list, kind& k,
                                const std::vector<int>& members) {
    std::vector<double>& values = scratch_.values;
    for (const derived_expression& d : list) {
        if (!d.case_conditions.empty()) {
            for (int m : members) {
                evaluate_derived(d, k, m);
            }
            continue;
        }
        evaluate_many(d.case_values.front(), k, members, values);
        std::vector<double>& target = column(k, d.column);
        for (std::size_t j = 0; j < members.size(); ++j) {
            target[static_cast<std::size_t>(members[j])] = values[j];
        }
    }
}

void executor::evaluate_tests(const std::vector<condition>& conditions, const kind& k,
                              const std::vector<int>& members,
                              std::vector<std::vector<double>>& tests) {
    tests.resize(conditions.size());
    for (std::size_t c = 0; c < conditions.size(); ++c) {
        evaluate_many(conditions[c].test, k, members, tests[c]);
    }
}

void executor::advance_group(kind& k, const std::vector<int>& members, double t) {
    const std::size_t n = members.size();
    std::vector<double>& times = column(k, k.time_column);
    for (int m : members) {
        times[static_cast<std::size_t>(m)] = t;
    }
    copy_requirements(k, members);
    if (!k.path_derived.empty()) {
        for (int m : members) {
            evaluate_paths(k, m);
        }
    }
    evaluate_derived(k.derived, k, members);
    // Every rate first, from the state at the start of the step; then every state moves.
    std::vector<double>& values = scratch_.values;
    for (const rate& r : k.rates) {
        evaluate_many(r.value, k, members, values);
        std::vector<double>& rates = column(k, r.rate_column);
        for (std::size_t j = 0; j < n; ++j) {
            rates[static_cast<std::size_t>(members[j])] = values[j];
        }
    }
    for (const rate& r : k.rates) {
        std::vector<double>& state = column(k, r.state_column);
        const std::vector<double>& rates = column(k, r.rate_column);
        for (int m : members) {
            state[static_cast<std::size_t>(m)] += dt_ * rates[static_cast<std::size_t>(m)];
        }
    }
    if (!k.conditions.empty()) {
        const std::vector<std::vector<double>>& tests = scratch_.tests;
        evaluate_tests(k.conditions, k, members, scratch_.tests);
        for (std::size_t j = 0; j < n; ++j) {
            run_conditions(
                k.conditions, [&tests, j](std::size_t c) { return tests[c][j]; }, k, members[j]);
        }
    }
    sync_exposures(k, members);
    counters_.member_updates += n;
    if (!k.regimes.empty()) {
        advance_group_regimes(k, members);
    }
}

void executor::group_by_regime(const kind& k, const std::vector<int>& members) {
    std::vector<std::vector<int>>& in_regime = scratch_.in_regime;
    in_regime.resize(k.regimes.size());
    for (auto& list : in_regime) {
        list.clear();
    }
    std::vector<std::size_t>& row = scratch_.row;
    row.resize(members.size());
    for (std::size_t j = 0; j < members.size(); ++j) {
        const int regime = k.active_regime[static_cast<std::size_t>(members[j])];
        auto& list = in_regime[static_cast<std::size_t>(regime)];
        row[j] = list.size();
        list.push_back(members[j]);
    }
}

void executor::advance_group_regimes(kind& k, const std::vector<int>& members) {
    // Members advance in the regime they are in at this point, as in advance_member.
    group_by_regime(k, members);
    std::vector<std::vector<std::vector<double>>>& tests = scratch_.regime_tests;
    tests.resize(k.regimes.size());
    std::vector<double>& values = scratch_.values;
    for (std::size_t r = 0; r < k.regimes.size(); ++r) {
        const std::vector<int>& group = scratch_.in_regime[r];
        if (group.empty()) {
            continue;
        }
        const regime_program& regime = k.regimes[r];
        copy_requirements(k, group);
        evaluate_derived(regime.derived, k, group);
        for (const rate& rt : regime.rates) {
            evaluate_many(rt.value, k, group, values);
            std::vector<double>& state = column(k, rt.state_column);
            for (std::size_t j = 0; j < group.size(); ++j) {
                state[static_cast<std::size_t>(group[j])] += dt_ * values[j];
            }
        }
        evaluate_tests(regime.conditions, k, group, tests[r]);
    }
    // Actions may change a member's regime: each runs the conditions of the one it started in.
    const std::size_t n = members.size();
    std::vector<int>& start_regime = scratch_.start_regime;
    start_regime.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
        start_regime[j] = k.active_regime[static_cast<std::size_t>(members[j])];
    }
    for (std::size_t j = 0; j < n; ++j) {
        const auto r = static_cast<std::size_t>(start_regime[j]);
        const std::vector<std::vector<double>>& regime_tests = tests[r];
        const std::size_t at = scratch_.row[j];
        run_conditions(
            k.regimes[r].conditions,
            [&regime_tests, at](std::size_t c) { return regime_tests[c][at]; }, k, members[j]);
    }
}

void executor::step(double t) {
    time_ = t;
    ++step_index_;
    if (!buckets_.empty()) {
        // Taken out of the ring first: delivering can send events and grow the ring.
        due_.clear();
        due_.swap(buckets_[step_index_ % buckets_.size()]);
        if (!std::is_sorted(due_.begin(), due_.end())) {
            std::sort(due_.begin(), due_.end());
        }
        const double slack = tied_event_times_ ? tie_slack(t) : 0.0;
        for (const queued_event& event : due_) {
            if (event.time <= t + slack) {
                deliver(*event.target);
            } else {
                buckets_[(step_index_ + 1) % buckets_.size()].push_back(event); // a step early
            }
        }
    }
    for (std::size_t g = 0; g < rt_.schedule.size(); ++g) {
        const schedule_entry& entry = rt_.schedule[g];
        if (entry.members.empty()) {
            advance_member(*entry.owner, entry.index, t);
            ++counters_.member_updates;
        } else {
            const native_code::group_kernels* kernels = rt_.native ? rt_.native->group(g) : nullptr;
            if (kernels != nullptr) {
                advance_compiled(*entry.owner, entry.members, t, *kernels);
            } else {
                advance_group(*entry.owner, entry.members, t);
            }
        }
    }
}

} // namespace sf::lems::engine
