#include <catch2/catch.hpp>

#include <sf/lems/dimension.hpp>
#include <sf/lems/error.hpp>

using sf::lems::dimension;

namespace {

const dimension voltage = dimension::of(1, 2, -3, -1);
const dimension time_dim = dimension::of(0, 0, 1, 0);
const dimension current = dimension::of(0, 0, 0, 1);

} // namespace

TEST_CASE("dimension: none is the default and prints as none", "[lems][dimension]") {
    REQUIRE(dimension{}.is_none());
    REQUIRE(dimension::none().is_none());
    REQUIRE(dimension::none().str() == "none");
    REQUIRE_FALSE(time_dim.is_none());
}

TEST_CASE("dimension: str lists non-zero exponents in LEMS order", "[lems][dimension]") {
    REQUIRE(voltage.str() == "m^1 l^2 t^-3 i^-1");
    REQUIRE(time_dim.str() == "t^1");
    REQUIRE(dimension::of(0, 0, 0, 0, 1).str() == "k^1");
    REQUIRE(dimension::of(0, -3, 0, 0, 0, 1).str() == "l^-3 n^1");
    REQUIRE(dimension::of(0, 0, 0, 0, 0, 0, 2).str() == "j^2");
    REQUIRE(dimension::of(1, 1, 1, 1, 1, 1, 1).str() == "m^1 l^1 t^1 i^1 k^1 n^1 j^1");
}

TEST_CASE("dimension: multiply and divide add and subtract exponents", "[lems][dimension]") {
    // power = voltage * current
    REQUIRE((voltage * current).str() == "m^1 l^2 t^-3");
    REQUIRE((voltage / voltage).is_none());
    REQUIRE((dimension::none() / time_dim).str() == "t^-1");
    REQUIRE(voltage * dimension::none() == voltage);
    REQUIRE(voltage / time_dim == dimension::of(1, 2, -4, -1));
}

TEST_CASE("dimension: pow multiplies every exponent", "[lems][dimension]") {
    REQUIRE(voltage.pow(2) == dimension::of(2, 4, -6, -2));
    REQUIRE(voltage.pow(-1) == dimension::of(-1, -2, 3, 1));
    REQUIRE(voltage.pow(0).is_none());
    REQUIRE(dimension::none().pow(7).is_none());
}

TEST_CASE("dimension: equality compares all seven exponents", "[lems][dimension]") {
    REQUIRE(voltage == dimension::of(1, 2, -3, -1));
    REQUIRE(voltage != dimension::of(1, 2, -3, -1, 0, 0, 1));
    REQUIRE(time_dim != current);
}

TEST_CASE("dimension: exponent overflow is an error, not undefined behaviour",
          "[lems][dimension]") {
    const dimension huge = dimension::of(2000000000, 0, 0, 0);
    REQUIRE_THROWS_AS(huge.pow(2), sf::lems::expression_error);
    REQUIRE_THROWS_WITH(huge * huge, Catch::Contains("out of range"));
    REQUIRE_THROWS_AS(dimension::of(-2000000000, 0, 0, 0) / huge, sf::lems::expression_error);
}
