// libFuzzer target for quantity strings ("-70mV", "1e-5 uF"): any byte string must either parse
// or throw expression_error, and a parsed quantity must carry the dimension of a known unit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <sf/lems/error.hpp>
#include <sf/lems/units.hpp>

namespace {

using sf::lems::dimension;
using sf::lems::unit;
using sf::lems::unit_system;

unit make_unit(const char* symbol, const char* dimension_name, dimension dim, int power10,
               double scale = 1.0, double offset = 0.0) {
    unit u;
    u.symbol = symbol;
    u.dimension_name = dimension_name;
    u.dim = dim;
    u.power10 = power10;
    u.scale = scale;
    u.offset = offset;
    return u;
}

unit_system make_units() {
    unit_system units;
    const dimension voltage = dimension::of(1, 2, -3, -1);
    const dimension time = dimension::of(0, 0, 1, 0);
    units.add_unit(make_unit("V", "voltage", voltage, 0));
    units.add_unit(make_unit("mV", "voltage", voltage, -3));
    units.add_unit(make_unit("s", "time", time, 0));
    units.add_unit(make_unit("ms", "time", time, -3));
    units.add_unit(make_unit("per_ms", "per_time", time.pow(-1), 3));
    units.add_unit(make_unit("nS", "conductance", dimension::of(-1, -2, 3, 2), -9));
    units.add_unit(make_unit("uF", "capacitance", dimension::of(-1, -2, 4, 2), -6));
    units.add_unit(make_unit("degC", "temperature", dimension::of(0, 0, 0, 0, 1), 0, 1.0, 273.15));
    units.add_unit(make_unit("e", "charge", dimension::of(0, 0, 1, 1), -19, 1.602176634));
    units.add_unit(make_unit("Gohm", "resistance", dimension::of(1, 2, -3, -2), 9));
    return units;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const unit_system units = make_units();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    sf::lems::quantity q;
    try {
        q = units.parse_quantity(text);
    } catch (const sf::lems::expression_error& err) {
        if (err.column() < -1 || err.column() > static_cast<int>(size)) {
            std::fprintf(stderr, "fuzz_quantity: column %d out of range\n", err.column());
            std::abort();
        }
        return 0;
    }
    bool known = q.dim.is_none();
    for (const auto& [symbol, u] : units.units()) {
        known = known || u.dim == q.dim;
    }
    if (!known || std::isnan(q.si_value)) {
        std::fprintf(stderr, "fuzz_quantity: bad result %g %s\n", q.si_value, q.dim.str().c_str());
        std::abort();
    }
    return 0;
}
