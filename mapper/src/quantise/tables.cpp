#include <algorithm>
#include <cmath>

#include <sf/firmware/interpreter.hpp>

#include "tables.hpp"

namespace sf::mapper::detail {

std::int32_t interpolate(const table_image& table, std::int32_t x) {
    firmware::isa::lookup_table t{table.x0, table.step, table.log2_intervals, table.samples.data()};
    firmware::saturation_count ignored;
    return firmware::isa::detail::look_up(t, x, ignored);
}

built_table build_table(const table_request& request) {
    const double in_unit = request.input.unit();
    auto raw_of = [&](double x) { return std::ldexp(x, request.input.frac_bits); };
    const double lo_raw = std::floor(raw_of(std::min(request.low, request.high)));
    const double hi_raw = std::ceil(raw_of(std::max(request.low, request.high)));
    const double x0 = std::clamp(lo_raw, -2147483648.0, 2147483647.0);
    const double span = std::max(1.0, std::min(hi_raw, 2147483647.0) - x0);

    built_table best;
    bool have = false;
    for (int k = 2; k <= 16; ++k) {
        const double samples = std::ldexp(1.0, k) + 1.0;
        if (samples > request.max_samples && have) {
            break;
        }
        int step = 0;
        while (std::ldexp(1.0, k + step) < span && step < 30) {
            ++step;
        }
        built_table t;
        t.image.x0 = static_cast<std::int32_t>(x0);
        t.image.step = static_cast<std::uint8_t>(step);
        t.image.log2_intervals = static_cast<std::uint8_t>(k);
        const auto count = static_cast<std::size_t>(samples);
        t.image.samples.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            const double x = (x0 + std::ldexp(static_cast<double>(i), step)) * in_unit;
            const double y = request.function(x);
            const quantised_value q =
                round_to_fixed(std::isfinite(y) ? y : (y > 0 ? 1e300 : -1e300), request.output);
            t.image.samples[i] = q.raw;
            t.clamped_samples += q.saturated ? 1 : 0;
        }
        // The error the core makes, over a fine grid of the covered inputs.
        // Several probes in every interval, so that the one ending at a clamped sample is seen.
        const int probes = std::max(4096, 16 * (1 << k));
        for (int p = 0; p <= probes; ++p) {
            const double raw = x0 + span * p / probes;
            const double exact = request.function(raw * in_unit);
            if (!std::isfinite(exact) || std::fabs(exact) > request.output.limit()) {
                continue; // beyond the output format: clamped, and counted as such
            }
            const double core = std::ldexp(
                static_cast<double>(interpolate(t.image, static_cast<std::int32_t>(raw))),
                -request.output.frac_bits);
            t.max_error = std::max(t.max_error, std::fabs(core - exact));
            t.output_range = std::max(t.output_range, std::fabs(exact));
        }
        if (samples <= request.max_samples || !have) {
            best = t;
            have = true;
        }
        if (t.max_error <= 1e-5 * t.output_range || std::ldexp(1.0, k) >= span) {
            break;
        }
    }
    return best;
}

} // namespace sf::mapper::detail
