#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/mapper/fixed_format.hpp>

// What quantising changed, per population: every parameter's float and fixed-point value, the
// formats chosen, the lookup tables and their error, the weights and delays, and every place
// where a value saturates or becomes zero. Nothing is clipped without appearing here.
namespace sf::mapper {

struct parameter_entry {
    std::string name; // where the constant comes from, e.g. "v: 1/C * dt"
    double value = 0.0;
    double quantised = 0.0;
    fixed_format format;
    bool saturated = false;
    bool underflowed = false;

    double relative_error() const;
};

struct variable_entry {
    std::string name;
    std::string unit; // SI, e.g. "V"
    double low = 0.0; // the range the format was chosen for
    double high = 0.0;
    bool measured = true; // false: no value was seen in the float run; chosen by interval analysis
    fixed_format format;
};

struct table_entry {
    std::string function; // the expression tabulated, over its input
    std::string input;
    double low = 0.0; // the input range covered; outside it the input is clamped (counted)
    double high = 0.0;
    int samples = 0;
    double max_error = 0.0;    // largest |interpolated - exact| over the range, SI
    double output_range = 0.0; // largest |exact| over the range, SI
    int clamped_samples = 0;   // samples beyond the output format, clamped at compile time
};

struct channel_entry {
    std::string name;
    std::int64_t connections = 0;
    double unit = 0.0; // SI payload of one unit of a synaptic word's weight
    double max_relative_error = 0.0;
    std::int64_t zero_weights = 0;      // non-zero payloads that became a zero weight
    std::int64_t saturated_weights = 0; // payloads beyond the weight bits, clamped
};

// The connections delayed by one whole number of steps, and the delays written for them.
struct delay_entry {
    double seconds = 0.0;      // the shortest written
    double seconds_high = 0.0; // the longest written
    int steps = 0;
    std::int64_t connections = 0;
};

struct group_entry {
    std::string label; // population[first..last]
    std::string component;
    int neurons = 0;
    int program_words = 0;
    int constants = 0;
    int table_words = 0;
    int state_words = 0;
    std::vector<parameter_entry> parameters;
    std::vector<variable_entry> variables;
    std::vector<table_entry> tables;
    std::vector<channel_entry> channels;
    std::vector<std::string> integration; // how each state variable advances
    std::vector<std::string> warnings;    // saturation, underflow, unmeasured ranges
};

struct quantisation_report {
    std::string board;
    double dt = 0.0;
    std::string integrator;
    std::int64_t range_steps = 0; // steps of the float run that measured ranges
    std::int64_t total_steps = 0;
    int weight_bits = 0;
    std::vector<group_entry> groups;
    std::vector<delay_entry> delays;
    std::vector<std::string> warnings;

    // The report as text for a terminal: one section per population.
    std::string text() const;
};

} // namespace sf::mapper
