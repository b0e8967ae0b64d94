#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include <sf/lems/error.hpp>
#include <sf/lems/units.hpp>

using sf::lems::dimension;
using sf::lems::expression_error;
using sf::lems::quantity;
using sf::lems::unit;
using sf::lems::unit_system;

namespace {

const dimension voltage = dimension::of(1, 2, -3, -1);
const dimension time_dim = dimension::of(0, 0, 1, 0);
const dimension conductance = dimension::of(-1, -2, 3, 2);
const dimension capacitance = dimension::of(-1, -2, 4, 2);
const dimension temperature = dimension::of(0, 0, 0, 0, 1);

unit make_unit(const std::string& symbol, const std::string& dimension_name, dimension dim,
               int power10, double scale = 1.0, double offset = 0.0) {
    unit u;
    u.symbol = symbol;
    u.dimension_name = dimension_name;
    u.dim = dim;
    u.power10 = power10;
    u.scale = scale;
    u.offset = offset;
    return u;
}

// The units of NeuroMLCoreDimensions.xml that the tests use.
unit_system neuroml_units() {
    unit_system units;
    units.add_dimension("voltage", voltage);
    units.add_dimension("time", time_dim);
    units.add_unit(make_unit("V", "voltage", voltage, 0));
    units.add_unit(make_unit("mV", "voltage", voltage, -3));
    units.add_unit(make_unit("s", "time", time_dim, 0));
    units.add_unit(make_unit("ms", "time", time_dim, -3));
    units.add_unit(make_unit("per_ms", "per_time", time_dim.pow(-1), 3));
    units.add_unit(make_unit("nS", "conductance", conductance, -9));
    units.add_unit(make_unit("uF", "capacitance", capacitance, -6));
    units.add_unit(make_unit("degC", "temperature", temperature, 0, 1.0, 273.15));
    units.add_unit(make_unit("hour", "time", time_dim, 0, 3600.0));
    return units;
}

std::int64_t ulp_distance(double a, double b) {
    std::int64_t ia = 0;
    std::int64_t ib = 0;
    std::memcpy(&ia, &a, sizeof a);
    std::memcpy(&ib, &b, sizeof b);
    return ia > ib ? ia - ib : ib - ia;
}

} // namespace

TEST_CASE("units: unit::to_si applies power, scale and offset", "[lems][units]") {
    REQUIRE(make_unit("mV", "voltage", voltage, -3).to_si(-70.0) == -0.07);
    REQUIRE(make_unit("hour", "time", time_dim, 0, 3600.0).to_si(2.0) == 7200.0);
    REQUIRE(make_unit("degC", "temperature", temperature, 0, 1.0, 273.15).to_si(6.3) ==
            Approx(279.45));
    REQUIRE(make_unit("kS", "conductance", conductance, 3).to_si(1.5) == 1500.0);
}

TEST_CASE("units: extreme powers of ten saturate instead of looping", "[lems][units]") {
    REQUIRE(make_unit("huge", "none", dimension::none(), 100000).to_si(1.0) == HUGE_VAL);
    REQUIRE(make_unit("tiny", "none", dimension::none(), -100000).to_si(1.0) == 0.0);
    REQUIRE(make_unit("p40", "none", dimension::none(), 40).to_si(1.0) == Approx(1e40));
    REQUIRE(make_unit("m40", "none", dimension::none(), -40).to_si(3.0) == Approx(3e-40));
    REQUIRE(make_unit("zero", "none", dimension::none(), 100000).to_si(0.0) == 0.0);
}

TEST_CASE("units: parse_quantity converts to SI exactly for ordinary values", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE(units.parse_quantity("-70mV").si_value == -0.07);
    REQUIRE(units.parse_quantity("-70mV").dim == voltage);
    REQUIRE(ulp_distance(units.parse_quantity("0.2nS").si_value, 0.2e-9) <= 1);
    REQUIRE(units.parse_quantity("0.2nS").dim == conductance);
    REQUIRE(units.parse_quantity("10ms").si_value == 0.01);
    REQUIRE(units.parse_quantity("0.1per_ms").si_value == 100.0);
    REQUIRE(units.parse_quantity("1e-5uF").si_value == Approx(1e-11).epsilon(1e-15));
    REQUIRE(units.parse_quantity("1e-5uF").dim == capacitance);
    REQUIRE(units.parse_quantity("2 hour").si_value == 7200.0);
    REQUIRE(units.parse_quantity("6.3 degC").si_value == Approx(279.45));
}

TEST_CASE("units: parse_quantity accepts every number form", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE(units.parse_quantity("5").si_value == 5.0);
    REQUIRE(units.parse_quantity("+5").si_value == 5.0);
    REQUIRE(units.parse_quantity("-5").si_value == -5.0);
    REQUIRE(units.parse_quantity(".5").si_value == 0.5);
    REQUIRE(units.parse_quantity("5.").si_value == 5.0);
    REQUIRE(units.parse_quantity("1e-5").si_value == 1e-5);
    REQUIRE(units.parse_quantity("2.5E+3").si_value == 2500.0);
    REQUIRE(units.parse_quantity("2.5E+3 per_ms").si_value == 2.5e6);
    REQUIRE(units.parse_quantity("-.5mV").si_value == -0.0005);
    REQUIRE(units.parse_quantity("007").si_value == 7.0);
}

TEST_CASE("units: a bare number is dimensionless", "[lems][units]") {
    const unit_system units = neuroml_units();
    const quantity q = units.parse_quantity("42");
    REQUIRE(q.si_value == 42.0);
    REQUIRE(q.dim.is_none());
}

TEST_CASE("units: whitespace around and inside quantities", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE(units.parse_quantity("  -70 mV ").si_value == -0.07);
    REQUIRE(units.parse_quantity("\t10\tms\n").si_value == 0.01);
    REQUIRE(units.parse_quantity(" 3 ").si_value == 3.0);
}

TEST_CASE("units: an e without digits after it starts the unit symbol", "[lems][units]") {
    unit_system units = neuroml_units();
    units.add_unit(make_unit("e", "charge", dimension::of(0, 0, 1, 1), -19, 1.602176634));
    units.add_unit(make_unit("eV", "energy", dimension::of(1, 2, -2, 0), -19, 1.602176634));
    REQUIRE(units.parse_quantity("5e").si_value == Approx(5 * 1.602176634e-19));
    REQUIRE(units.parse_quantity("5e").dim == dimension::of(0, 0, 1, 1));
    REQUIRE(units.parse_quantity("5eV").dim == dimension::of(1, 2, -2, 0));
    REQUIRE(units.parse_quantity("5e2").si_value == 500.0);
    REQUIRE(units.parse_quantity("5e+2").dim.is_none());
    REQUIRE_THROWS_WITH(units.parse_quantity("5e+"), Catch::Contains("unknown unit 'e+'"));
}

TEST_CASE("units: unknown units are reported with the text", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE_THROWS_AS(units.parse_quantity("12 mv"), expression_error);
    REQUIRE_THROWS_WITH(units.parse_quantity("12 mv"), "\"12 mv\": unknown unit 'mv'");
    REQUIRE_THROWS_WITH(units.parse_quantity("12mV extra"),
                        Catch::Contains("unknown unit 'mV extra'"));
    try {
        units.parse_quantity("12 mv");
        FAIL("no exception");
    } catch (const expression_error& e) {
        REQUIRE(e.column() == 3);
    }
}

TEST_CASE("units: text without a number is reported", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE_THROWS_AS(units.parse_quantity("abc"), expression_error);
    REQUIRE_THROWS_WITH(units.parse_quantity("abc"),
                        Catch::StartsWith("\"abc\": expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity("mV"), Catch::Contains("expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity(""), Catch::Contains("expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity("   "), Catch::Contains("expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity("-"), Catch::Contains("expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity("- 5"), Catch::Contains("expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity("."), Catch::Contains("expected a number"));
    REQUIRE_THROWS_WITH(units.parse_quantity("+-5"), Catch::Contains("expected a number"));
    try {
        units.parse_quantity("  x");
        FAIL("no exception");
    } catch (const expression_error& e) {
        REQUIRE(e.column() == 2);
    }
}

TEST_CASE("units: numbers beyond the double range are reported", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE_THROWS_AS(units.parse_quantity("1e999"), expression_error);
    REQUIRE_THROWS_WITH(units.parse_quantity("1e999 mV"), Catch::Contains("out of the range"));
}

TEST_CASE("units: identical redefinitions are allowed, conflicting ones are errors",
          "[lems][units]") {
    unit_system units = neuroml_units();
    REQUIRE_NOTHROW(units.add_unit(make_unit("mV", "voltage", voltage, -3)));
    REQUIRE_NOTHROW(units.add_dimension("voltage", voltage));
    REQUIRE_THROWS_AS(units.add_unit(make_unit("mV", "voltage", voltage, -6)), expression_error);
    REQUIRE_THROWS_WITH(units.add_unit(make_unit("mV", "time", time_dim, -3)),
                        Catch::Contains("unit 'mV' redefined"));
    REQUIRE_THROWS_WITH(units.add_dimension("voltage", time_dim),
                        Catch::Contains("dimension 'voltage' redefined as t^1"));
    // The first definition survives a rejected one.
    REQUIRE(units.find_unit("mV")->power10 == -3);
}

TEST_CASE("units: find_unit and find_dimension", "[lems][units]") {
    const unit_system units = neuroml_units();
    REQUIRE(units.find_unit("mV") != nullptr);
    REQUIRE(units.find_unit("mV")->dim == voltage);
    REQUIRE(units.find_unit("mv") == nullptr);
    REQUIRE(units.find_dimension("voltage") != nullptr);
    REQUIRE(*units.find_dimension("time") == time_dim);
    REQUIRE(units.find_dimension("current") == nullptr);
    REQUIRE(units.units().size() == 9);
    REQUIRE(units.dimensions().size() == 2);
}
