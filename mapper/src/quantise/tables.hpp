#pragma once

#include <functional>

#include <sf/mapper/fixed_format.hpp>
#include <sf/mapper/quantise.hpp>

// Lookup tables with linear interpolation for the non-linear parts of the dynamics: the
// interpolation of docs/isa.md, sampled as finely as the error goal or the table memory allows.
namespace sf::mapper::detail {

struct table_request {
    std::function<double(double)> function; // SI in, SI out
    fixed_format input;
    double low = 0.0; // input range to cover, SI
    double high = 0.0;
    fixed_format output;
    int max_samples = 4097; // what the table memory leaves for this table
};

struct built_table {
    table_image image;
    double max_error = 0.0;    // over the covered range where the output format holds f, SI
    double output_range = 0.0; // largest |f| over the range, SI
    int clamped_samples = 0;
};

// The smallest table whose interpolation error stays within 1e-5 of the output range, or the
// largest that fits when none does.
built_table build_table(const table_request& request);

// What the core's lut instruction computes for a raw input (the reference semantics).
std::int32_t interpolate(const table_image& table, std::int32_t x);

} // namespace sf::mapper::detail
