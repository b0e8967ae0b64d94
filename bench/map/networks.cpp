#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>
#include <vector>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>

#include "networks.hpp"

namespace sf::bench {
namespace {

namespace fs = std::filesystem;
using lems::ir::network;

constexpr double dt_ms = 0.1;
constexpr double psc_e_nA = 0.08781; // a 0.15 mV PSP at rest for the cells below

struct population_spec {
    std::string id;
    std::int64_t size = 0;
    double i_offset_nA = 0.0;
};

// The cells' model: every population one cell with both synapses, each fed once by itself so
// that flattening gives it an excitatory and an inhibitory input channel.
std::string cell_model(const std::vector<population_spec>& pops, double length_ms) {
    std::ostringstream x;
    x << "<Lems>\n<Target component=\"sim\"/>\n<Include file=\"PyNN.xml\"/>\n<Include "
         "file=\"Networks.xml\"/>\n"
      << "<Include file=\"Simulation.xml\"/>\n"
      << "<expCurrSynapse id=\"exc\" tau_syn=\"0.5\"/>\n<expCurrSynapse id=\"inh\" "
         "tau_syn=\"0.5\"/>\n";
    for (const auto& p : pops) {
        x << "<IF_curr_exp id=\"cell_" << p.id << "\" cm=\"0.25\" i_offset=\"" << p.i_offset_nA
          << "\" tau_m=\"10\" tau_refrac=\"2\" tau_syn_E=\"0.5\" tau_syn_I=\"0.5\" v_init=\"-65\" "
             "v_reset=\"-65\""
          << " v_rest=\"-65\" v_thresh=\"-50\"/>\n";
    }
    x << "<network id=\"net\">\n";
    for (const auto& p : pops) {
        x << "  <population id=\"" << p.id << "\" component=\"cell_" << p.id << "\" size=\"1\"/>\n";
    }
    for (const auto& p : pops) {
        for (const char* syn : {"exc", "inh"}) {
            x << "  <projection id=\"" << p.id << "_" << syn << "\" presynapticPopulation=\""
              << p.id << "\" postsynapticPopulation=\"" << p.id << "\" synapse=\"" << syn << "\">\n"
              << "    <connectionWD id=\"0\" preCellId=\"../" << p.id << "[0]\" postCellId=\"../"
              << p.id << "[0]\" weight=\"1\" delay=\"1ms\"/>\n  </projection>\n";
        }
    }
    x << "</network>\n<Simulation id=\"sim\" length=\"" << length_ms << "ms\" step=\"" << dt_ms
      << "ms\" target=\"net\"/>\n</Lems>\n";
    return x.str();
}

struct layout {
    network net;
    std::vector<int> group;      // per population: its group
    std::vector<int> excitatory; // per population: its excitatory channel
    std::vector<int> inhibitory; // per population: its inhibitory channel
    std::vector<int> potential;  // per population: the membrane potential's variable
};

int channel_named(const lems::ir::neuron_group& g, const std::string& synapse) {
    for (std::size_t c = 0; c < g.inputs.size(); ++c) {
        if (g.inputs[c].name.find(synapse) != std::string::npos) {
            return static_cast<int>(c);
        }
    }
    throw std::runtime_error("the flattened cell " + g.label + " has no channel of synapse " +
                             synapse);
}

// Flattens the cells' model and widens every population to its size; initial potentials are
// drawn from N(-58 mV, 10 mV).
layout cells(const std::vector<population_spec>& pops, double length_ms, std::uint64_t seed) {
    const fs::path file =
        fs::temp_directory_path() / ("sf_bench_cells_" + std::to_string(::getpid()) + ".xml");
    {
        std::ofstream out(file);
        out << cell_model(pops, length_ms);
    }
    layout l;
    try {
        l.net = lems::flatten(lems::load_model({file}));
    } catch (...) {
        fs::remove(file);
        throw;
    }
    fs::remove(file);
    l.net.connections.clear();

    std::mt19937_64 random(seed);
    std::normal_distribution<double> initial_v(-58e-3, 10e-3);
    for (const auto& p : pops) {
        int found = -1;
        for (std::size_t g = 0; g < l.net.groups.size(); ++g) {
            if (l.net.groups[g].population == p.id) {
                found = static_cast<int>(g);
            }
        }
        if (found < 0) {
            throw std::runtime_error("population " + p.id + " did not flatten into a group");
        }
        lems::ir::neuron_group& g = l.net.groups[static_cast<std::size_t>(found)];
        g.members.resize(static_cast<std::size_t>(p.size));
        for (std::size_t n = 0; n < g.members.size(); ++n) {
            g.members[n] = static_cast<int>(n);
        }
        g.label = p.id + "[0.." + std::to_string(p.size - 1) + "]";
        int v = -1;
        for (std::size_t k = 0; k < g.variables.size(); ++k) {
            auto& var = g.variables[k];
            var.initial.assign(static_cast<std::size_t>(p.size), var.initial.at(0));
            if (var.name == "v") {
                v = static_cast<int>(k);
            }
        }
        if (v < 0) {
            throw std::runtime_error("the flattened cell " + g.label + " has no variable v");
        }
        for (double& x : g.variables[static_cast<std::size_t>(v)].initial) {
            x = initial_v(random);
        }
        l.group.push_back(found);
        l.excitatory.push_back(channel_named(g, "exc"));
        l.inhibitory.push_back(channel_named(g, "inh"));
        l.potential.push_back(v);
    }
    return l;
}

std::uint64_t mix(std::uint64_t seed, std::uint64_t k) {
    std::uint64_t x = seed ^ (k + 0x9E3779B97F4A7C15ull + (seed << 6) + (seed >> 2));
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    return x;
}

// A weight from N(mean, |mean| × rel_sd), drawn again until it has the mean's sign.
double signed_normal(std::mt19937_64& random, double mean, double rel_sd) {
    std::normal_distribution<double> d(mean, std::fabs(mean) * rel_sd);
    for (;;) {
        const double w = d(random);
        if (w * mean > 0.0) {
            return w;
        }
    }
}

// A delay from N(mean, mean × rel_sd) in seconds, at least one step, rounded to whole steps.
double rounded_delay(std::mt19937_64& random, double mean_ms, double rel_sd) {
    std::normal_distribution<double> d(mean_ms, mean_ms * rel_sd);
    const double steps = std::max(1.0, std::round(d(random) / dt_ms));
    return steps * dt_ms * 1e-3;
}

// A population's sheet: row-major positions on a unit torus.
struct sheet {
    std::int64_t size = 0;
    std::int64_t columns = 1;
    std::int64_t rows = 1;

    explicit sheet(std::int64_t n) : size(n) {
        columns = std::max<std::int64_t>(
            1, static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(n)))));
        rows = (n + columns - 1) / columns;
    }
    double x(std::int64_t i) const {
        return (static_cast<double>(i % columns) + 0.5) / static_cast<double>(columns);
    }
    double y(std::int64_t i) const {
        return (static_cast<double>(i / columns) + 0.5) / static_cast<double>(rows);
    }
    // The neuron at (x, y), or -1 where the last row is short.
    std::int64_t at(double px, double py) const {
        px -= std::floor(px);
        py -= std::floor(py);
        const auto c =
            std::min(columns - 1, static_cast<std::int64_t>(px * static_cast<double>(columns)));
        const auto r =
            std::min(rows - 1, static_cast<std::int64_t>(py * static_cast<double>(rows)));
        const std::int64_t i = r * columns + c;
        return i < size ? i : -1;
    }
};

double torus_distance(double ax, double ay, double bx, double by) {
    double dx = std::fabs(ax - bx);
    double dy = std::fabs(ay - by);
    dx = std::min(dx, 1.0 - dx);
    dy = std::min(dy, 1.0 - dy);
    return std::sqrt(dx * dx + dy * dy);
}

built_network random_or_distance(const network_spec& spec) {
    if (spec.neurons < 10) {
        throw std::runtime_error("--neurons must be at least 10");
    }
    const std::int64_t n_e = spec.neurons * 4 / 5;
    const std::int64_t n_i = spec.neurons - n_e;
    const std::vector<population_spec> pops = {{"E", n_e, 0.6}, {"I", n_i, 0.6}};
    layout l = cells(pops, spec.length_ms, spec.seed);
    const bool distance = spec.kind == "distance";
    const int k_e = spec.in_degree * 4 / 5;
    const int k_i = spec.in_degree - k_e;
    const sheet sheets[2] = {sheet(n_e), sheet(n_i)};
    std::uint64_t projection_number = 0;
    for (int target = 0; target < 2; ++target) {
        for (int source = 0; source < 2; ++source) {
            const int k = source == 0 ? k_e : k_i;
            const double weight = source == 0 ? psc_e_nA : -5.0 * psc_e_nA;
            lems::ir::projection& p = l.net.connections.projection_for(
                l.group[static_cast<std::size_t>(source)], 0,
                l.group[static_cast<std::size_t>(target)],
                source == 0 ? l.excitatory[static_cast<std::size_t>(target)]
                            : l.inhibitory[static_cast<std::size_t>(target)]);
            const sheet& from = sheets[source];
            const sheet& to = sheets[target];
            p.reserve(static_cast<std::size_t>(to.size) * static_cast<std::size_t>(k));
            std::mt19937_64 random(mix(spec.seed, ++projection_number));
            std::uniform_int_distribution<std::int64_t> any(0, from.size - 1);
            std::normal_distribution<double> offset(0.0, spec.sigma);
            for (std::int64_t t = 0; t < to.size; ++t) {
                for (int c = 0; c < k; ++c) {
                    std::int64_t s = -1;
                    double delay = 1.5e-3;
                    if (!distance) {
                        s = any(random);
                    } else {
                        while (s < 0) {
                            s = from.at(to.x(t) + offset(random), to.y(t) + offset(random));
                        }
                        // 1 ms plus 10 ms per side of the sheet, in whole steps.
                        const double ms =
                            1.0 + 10.0 * torus_distance(from.x(s), from.y(s), to.x(t), to.y(t));
                        delay = std::max(1.0, std::round(ms / dt_ms)) * dt_ms * 1e-3;
                    }
                    p.push_back(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(t),
                                weight, delay);
                }
            }
        }
    }
    built_network b;
    b.net = std::move(l.net);
    b.description = spec.kind + ": " + std::to_string(spec.neurons) +
                    " IF_curr_exp neurons (80 % E), in-degree " + std::to_string(spec.in_degree) +
                    (distance ? ", sources from a Gaussian of sigma " + std::to_string(spec.sigma) +
                                    " of the sheet, delays 1 ms + 10 ms per sheet side"
                              : ", uniform sources, delays 1.5 ms");
    return b;
}

// The cortical microcircuit of Potjans and Diesmann (2014): 8 populations, connection
// probabilities by source and target, a fixed total number of synapses per projection drawn
// with multapses, weights and delays normally distributed, the background as a DC current.
built_network microcircuit(const network_spec& spec) {
    static const char* names[8] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
    static const std::int64_t full[8] = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948};
    static const double probability[8][8] = {
        // sources: L23E    L23I    L4E     L4I     L5E     L5I     L6E     L6I       targets:
        {0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0},       // L23E
        {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0},       // L23I
        {0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0},    // L4E
        {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0},       // L4I
        {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},    // L5E
        {0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0},    // L5I
        {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252}, // L6E
        {0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443}, // L6I
    };
    static const double k_ext[8] = {1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100};
    if (!(spec.scale > 0.0 && spec.scale <= 1.0)) {
        throw std::runtime_error("--scale must be in (0, 1]");
    }
    std::vector<population_spec> pops;
    for (int p = 0; p < 8; ++p) {
        // 8 Hz of background at the excitatory weight through a 0.5 ms synapse, as a mean current.
        const double dc = k_ext[p] * 8.0 * psc_e_nA * 0.5e-3;
        pops.push_back(
            {names[p],
             std::max<std::int64_t>(1, std::llround(static_cast<double>(full[p]) * spec.scale)),
             dc});
    }
    layout l = cells(pops, spec.length_ms, spec.seed);
    std::uint64_t projection_number = 0;
    for (int t = 0; t < 8; ++t) {
        for (int s = 0; s < 8; ++s) {
            const double p = probability[t][s];
            ++projection_number;
            if (p <= 0.0) {
                continue;
            }
            const double pairs = static_cast<double>(full[s]) * static_cast<double>(full[t]);
            const double synapses_full = std::log(1.0 - p) / std::log(1.0 - 1.0 / pairs);
            const auto synapses =
                static_cast<std::int64_t>(std::llround(synapses_full * spec.scale));
            const bool excitatory = s % 2 == 0;
            const double mean =
                excitatory ? (s == 2 && t == 0 ? 2.0 : 1.0) * psc_e_nA : -4.0 * psc_e_nA;
            const double delay_ms = excitatory ? 1.5 : 0.75;
            const auto ts = static_cast<std::size_t>(t);
            lems::ir::projection& proj = l.net.connections.projection_for(
                l.group[static_cast<std::size_t>(s)], 0, l.group[ts],
                excitatory ? l.excitatory[ts] : l.inhibitory[ts]);
            proj.reserve(static_cast<std::size_t>(synapses));
            std::mt19937_64 random(mix(spec.seed, projection_number));
            std::uniform_int_distribution<std::int64_t> source(
                0, pops[static_cast<std::size_t>(s)].size - 1);
            std::uniform_int_distribution<std::int64_t> target(0, pops[ts].size - 1);
            for (std::int64_t k = 0; k < synapses; ++k) {
                const auto from = static_cast<std::uint32_t>(source(random));
                const auto to = static_cast<std::uint32_t>(target(random));
                const double w = signed_normal(random, mean, 0.1);
                proj.push_back(from, to, w, rounded_delay(random, delay_ms, 0.5));
            }
        }
    }
    built_network b;
    b.net = std::move(l.net);
    std::int64_t neurons = 0;
    for (const auto& p : pops) {
        neurons += p.size;
    }
    std::ostringstream d;
    d << "microcircuit at scale " << spec.scale << ": " << neurons
      << " IF_curr_exp neurons in 8 populations, in-degree as at full scale, DC background";
    b.description = d.str();
    return b;
}

} // namespace

built_network build_network(const network_spec& spec) {
    if (spec.kind == "random" || spec.kind == "distance") {
        return random_or_distance(spec);
    }
    if (spec.kind == "microcircuit") {
        return microcircuit(spec);
    }
    throw std::runtime_error("unknown network kind '" + spec.kind +
                             "' (random, distance or microcircuit)");
}

} // namespace sf::bench
