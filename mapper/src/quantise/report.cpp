#include <cmath>
#include <cstdio>
#include <string>

#include <sf/mapper/quantisation_report.hpp>

namespace sf::mapper {
namespace {

std::string g(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", x);
    return text;
}

std::string percent(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2g %%", 100.0 * x);
    return text;
}

std::string format_text(fixed_format f) { return "2^" + std::to_string(-f.frac_bits); }

} // namespace

double parameter_entry::relative_error() const {
    if (value == 0.0) {
        return quantised == 0.0 ? 0.0 : 1.0;
    }
    return std::fabs(quantised - value) / std::fabs(value);
}

std::string quantisation_report::text() const {
    std::string t;
    t += "board " + board + ", time step " + g(dt) + " s, " + integrator + ", " +
         std::to_string(weight_bits) + "-bit weights\n";
    t += "ranges measured over " + std::to_string(range_steps) + " of " +
         std::to_string(total_steps) + " steps of the float run\n";
    for (const group_entry& e : groups) {
        t += "\n== " + e.label + " (" + e.component + "): " + std::to_string(e.neurons) +
             " neurons, " + std::to_string(e.program_words) + " instructions, " +
             std::to_string(e.constants) + " constants, " + std::to_string(e.table_words) +
             " table words, " + std::to_string(e.state_words) + " state words per neuron\n";
        t += "  variables (format = the value of one unit of the word):\n";
        for (const auto& v : e.variables) {
            t += "    " + v.name + (v.unit.empty() ? "" : " [" + v.unit + "]") + ": " +
                 format_text(v.format) + ", range " + g(v.low) + " .. " + g(v.high) +
                 (v.measured ? "" : " (interval analysis)") + "\n";
        }
        t += "  constants (float -> fixed, relative error):\n";
        for (const auto& p : e.parameters) {
            t += "    " + p.name + ": " + g(p.value) + " -> " + g(p.quantised) + " (" +
                 percent(p.relative_error()) + ", " + format_text(p.format) + ")" +
                 (p.saturated ? " SATURATED" : "") + (p.underflowed ? " BECOMES ZERO" : "") + "\n";
        }
        if (!e.tables.empty()) {
            t += "  lookup tables:\n";
            for (const auto& table : e.tables) {
                t += "    " + table.function + " over " + table.input + " in [" + g(table.low) +
                     ", " + g(table.high) + "]: " + std::to_string(table.samples) +
                     " samples, max error " + g(table.max_error) + " (" +
                     percent(table.output_range > 0 ? table.max_error / table.output_range : 0.0) +
                     " of the range)" +
                     (table.clamped_samples > 0
                          ? ", " + std::to_string(table.clamped_samples) + " samples clamped"
                          : "") +
                     "\n";
            }
        }
        if (!e.channels.empty()) {
            t += "  synaptic input channels:\n";
            for (const auto& c : e.channels) {
                t += "    " + c.name + ": " + std::to_string(c.connections) +
                     " connections, weight unit " + g(c.unit) + ", largest weight error " +
                     percent(c.max_relative_error) +
                     (c.zero_weights > 0
                          ? ", " + std::to_string(c.zero_weights) + " weights become 0"
                          : "") +
                     (c.saturated_weights > 0
                          ? ", " + std::to_string(c.saturated_weights) + " weights saturate"
                          : "") +
                     "\n";
            }
        }
        if (!e.integration.empty()) {
            t += "  integration:\n";
            for (const auto& note : e.integration) {
                t += "    " + note + "\n";
            }
        }
        for (const auto& w : e.warnings) {
            t += "  warning: " + w + "\n";
        }
    }
    if (!delays.empty()) {
        t += "\ndelays (as written -> whole steps, connections):\n";
        for (const auto& d : delays) {
            t += "  " + g(d.seconds) +
                 (d.seconds_high > d.seconds ? " .. " + g(d.seconds_high) : std::string()) +
                 " s -> " + std::to_string(d.steps) + " steps: " + std::to_string(d.connections) +
                 "\n";
        }
    }
    for (const auto& w : warnings) {
        t += "warning: " + w + "\n";
    }
    return t;
}

} // namespace sf::mapper
