// Fidelity of the fixed-point backend: conformance examples quantised for the spinn5 board's cores
// and run by the firmware kernel, against the reference simulator's outputs, with the bounds
// measured by bench/fidelity.py (docs/fidelity.md). Spike trains are compared train by train in
// time steps; the trains that do not meet the goal of one step for known reasons (refractory
// periods ending on a rounding tie, the chaotic AdEx cell, zero-delay connections) get the bound
// that was measured for them, the others the goal.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/board_loader.hpp>

#include "conformance_corpus.hpp"
#include "fixed_backend.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sf::conformance;

// A bound for one spike train (EventSelection id) of an example.
struct train_bound {
    const char* id;
    bool same_count;
    double max_steps; // largest |ours - reference| over spikes paired in order
};

// A bound for one recorded column, by quantity: max |ours - reference| / range of the reference.
struct trace_bound {
    const char* quantity;
    double max_relative;
};

struct expectation {
    std::string example;
    std::vector<train_bound> trains;
    std::vector<trace_bound> traces;
};

using trains =
    std::map<std::string, std::vector<std::int64_t>>; // spike steps per EventSelection id

// What a fixed-point run recorded: trains per spike file name, trace rows per quantity.
struct fixed_run {
    std::map<std::string, trains> spikes;
    std::map<std::string, std::vector<double>> traces;
    sf::cli::fixed_run_summary summary;
};

// The model as `spikeforge simulate --backend fixed --board spinn5` runs it.
fixed_run run_on_cores(const sf::lems::model& model, const sf::lems::ir::network& net) {
    fixed_run result;
    result.summary = sf::cli::run_fixed(model, sf::mapper::find_board("spinn5"), {});
    for (const auto& file : result.summary.events) {
        auto& by_id = result.spikes[file.path.filename().string()];
        for (const auto& [time, id] : file.events) {
            by_id[id].push_back(std::llround(time / net.dt));
        }
    }
    for (std::size_t f = 0; f < net.traces.size(); ++f) {
        const auto& columns = net.traces[f].columns;
        const auto& rows = result.summary.traces[f].rows;
        const std::size_t width = columns.size() + 1;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            auto& values = result.traces[columns[c].quantity];
            if (!values.empty()) {
                continue; // a quantity another file records too
            }
            for (std::size_t r = 0; r + width <= rows.size(); r += width) {
                values.push_back(rows[r + c + 1]);
            }
        }
    }
    return result;
}

// Spike steps per EventSelection id of a reference spike file (TIME_ID or ID_TIME).
trains reference_spikes(const fs::path& file, double dt) {
    const auto rows = read_table(file);
    const bool id_first = !rows.empty() && rows.front().front().find('.') == std::string::npos &&
                          rows.front().front().find('E') == std::string::npos;
    trains result;
    for (const auto& row : rows) {
        const double t = std::strtod((id_first ? row[1] : row[0]).c_str(), nullptr);
        result[id_first ? row[0] : row[1]].push_back(std::llround(t / dt));
    }
    return result;
}

void check_trains(const trains& ours, const trains& reference,
                  const std::vector<train_bound>& bounds) {
    for (const train_bound& b : bounds) {
        const auto mine = ours.count(b.id) != 0 ? ours.at(b.id) : std::vector<std::int64_t>{};
        const auto theirs =
            reference.count(b.id) != 0 ? reference.at(b.id) : std::vector<std::int64_t>{};
        std::int64_t worst = 0;
        for (std::size_t k = 0; k < std::min(mine.size(), theirs.size()); ++k) {
            worst = std::max(worst, std::abs(mine[k] - theirs[k]));
        }
        INFO("train " << b.id << ": " << mine.size() << " spikes, the reference " << theirs.size()
                      << "; largest difference " << worst << " steps");
        if (b.same_count) {
            CHECK(mine.size() == theirs.size());
        }
        CHECK(static_cast<double>(worst) <= b.max_steps);
    }
}

void check_example(const expectation& e) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const fs::path model_file = *corpus / "derived" / (e.example + ".ref.xml");
    const sf::lems::model model = sf::lems::load_model({model_file});
    const sf::lems::ir::network net = sf::lems::flatten(model);
    const fixed_run run = run_on_cores(model, net);

    // Nothing clamped, lost or stopped on these examples.
    CHECK(run.summary.saturations == 0);
    CHECK(run.summary.input_overflows == 0);
    CHECK(run.summary.dropped_words == 0);
    CHECK(run.summary.program_faults == 0);

    if (!e.trains.empty()) {
        // The trains are those of the derived file's spike output, which records every cell.
        const std::string name = e.example.substr(std::string("LEMS_NML2_").size()) + ".ref.spikes";
        const fs::path reference = reference_for(*corpus, e.example, name);
        REQUIRE_FALSE(reference.empty());
        INFO(e.example << ": " << name);
        check_trains(run.spikes.count(name) != 0 ? run.spikes.at(name) : trains{},
                     reference_spikes(reference, net.dt), e.trains);
    }
    for (const trace_bound& b : e.traces) {
        bool found = false;
        for (std::size_t f = 0; f < net.traces.size() && !found; ++f) {
            const auto& columns = net.traces[f].columns;
            for (std::size_t c = 0; c < columns.size() && !found; ++c) {
                if (columns[c].quantity != b.quantity) {
                    continue;
                }
                found = true;
                const auto rows = read_table(
                    reference_for(*corpus, e.example, net.traces[f].path.filename().string()));
                const std::vector<double>& ours = run.traces.at(b.quantity);
                REQUIRE(rows.size() == ours.size());
                double low = INFINITY;
                double high = -INFINITY;
                for (const auto& row : rows) {
                    const double v = std::strtod(row[c + 1].c_str(), nullptr);
                    low = std::min(low, v);
                    high = std::max(high, v);
                }
                const double range = high > low ? high - low : std::max(std::fabs(high), 1e-30);
                double worst = 0.0;
                for (std::size_t r = 0; r < rows.size(); ++r) {
                    worst = std::max(
                        worst,
                        std::fabs(ours[r] - std::strtod(rows[r][c + 1].c_str(), nullptr)) / range);
                }
                INFO(e.example << ": " << b.quantity << " deviates by " << worst
                               << " of its range");
                CHECK(worst <= b.max_relative);
            }
        }
        INFO(e.example << ": no recorded column " << b.quantity);
        CHECK(found);
    }
}

} // namespace

TEST_CASE(
    "fixed fidelity: conformance examples on the spinn5 cores stay within the measured bounds",
    "[conformance][fixed]") {
    // Measured with bench/fidelity.py (docs/fidelity.md); the bounds leave room for rounding
    // changes in the quantiser, not for another kind of error.
    const expectation examples[] = {
        // iafTau and iaf: exact. The refractory cells end their refractory period on a rounding
        // tie that the reference and the cores break differently (2 and 3 steps measured).
        {"LEMS_NML2_Ex0_IaF", {{"0", true, 0}, {"1", true, 4}, {"2", true, 5}, {"3", true, 0}}, {}},
        {"LEMS_NML2_Ex2_Izh",
         {{"0", true, 1}, {"1", true, 1}, {"2", true, 1}, {"3", true, 1}},
         {{"izpopBurst[0]/v", 1e-3}, {"izpopTonic[0]/v", 1e-3}, {"izpopMixed[0]/v", 1e-3}}},
        // The third cell has the AdEx "chaos" parameters: it is not bounded.
        {"LEMS_NML2_Ex8_AdEx", {{"0", true, 2}, {"1", true, 2}, {"3", true, 1}}, {}},
        {"LEMS_NML2_Ex9_FN", {}, {{"fnPop1[0]/V", 1e-5}, {"fnPop1[0]/W", 1e-5}}},
        // Zero-delay connections reach the targets one step later than in the reference.
        {"LEMS_NML2_Ex13_Instances", {{"0", true, 1}, {"1", true, 1}, {"2", true, 1}}, {}},
        {"LEMS_NML2_Ex21_CurrentBasedSynapses",
         {{"0", true, 1}, {"1", true, 1}},
         {{"iafPop[0]/v", 1e-3}}},
        {"LEMS_NML2_Ex27_MultiSynapses",
         {{"0", true, 1}},
         {{"iafPop[0]/v", 0.02}, {"iafPop[1]/v", 0.02}}},
    };
    for (const expectation& e : examples) {
        SECTION(e.example) { check_example(e); }
    }
}

TEST_CASE("fixed fidelity: a user-defined LEMS model runs on the cores as in double precision",
          "[conformance][fixed]") {
    // examples/user_defined: an exponential integrate-and-fire cell, a ramp current and a current
    // synapse written in LEMS, none of them a NeuroML core type. The float reference is the
    // network IR run with the reference simulator's timing (identical to the reference simulator).
    const fs::path model_file = fs::path(__FILE__).parent_path().parent_path().parent_path() /
                                "examples" / "user_defined" / "LEMS_eif_user_defined.xml";
    if (!fs::is_regular_file(model_file)) {
        FAIL("examples/user_defined/LEMS_eif_user_defined.xml not found in the checkout: "
             << model_file.string());
    }
    const sf::lems::model model = sf::lems::load_model({model_file});
    const sf::lems::ir::network net = sf::lems::flatten(model);
    sf::lems::ir::run_options options;
    options.reference_timing = true;
    const sf::lems::ir::run_result reference = sf::lems::ir::run(net, options);
    REQUIRE(reference.events.size() == 1);
    trains float_trains;
    for (const auto& [t, id] : reference.events.front().events) {
        float_trains[id].push_back(std::llround(t / net.dt));
    }
    const fixed_run run = run_on_cores(model, net);
    CHECK(run.summary.saturations == 0);
    CHECK(run.summary.program_faults == 0);
    // The refractory period of 80 steps ends on a rounding tie (2 steps measured).
    REQUIRE(run.spikes.size() == 1);
    check_trains(run.spikes.begin()->second, float_trains,
                 {{"0", true, 3}, {"1", true, 3}, {"2", true, 3}, {"3", true, 3}, {"4", true, 3}});
    for (const char* id : {"0", "1", "2", "3", "4"}) {
        CHECK(float_trains.count(id) == 1); // every cell fires
    }
}
