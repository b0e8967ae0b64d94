#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sf/lems/error.hpp>
#include <sf/lems/expression.hpp>

using sf::lems::dimension;
using sf::lems::expr_node;
using sf::lems::expr_op;
using sf::lems::expression;
using sf::lems::expression_error;

namespace {

const dimension voltage = dimension::of(1, 2, -3, -1);
const dimension time_dim = dimension::of(0, 0, 1, 0);
const dimension current = dimension::of(0, 0, 0, 1);
const dimension conductance = dimension::of(-1, -2, 3, 2);
const dimension area = dimension::of(0, 2, 0, 0);

std::string canonical(std::string_view text) { return expression::parse(text).str(); }

double eval(std::string_view text, const std::map<std::string, double, std::less<>>& values = {}) {
    return expression::parse(text).evaluate([&](std::string_view name) {
        const auto it = values.find(name);
        return it == values.end() ? 0.0 : it->second;
    });
}

dimension infer(std::string_view text) {
    static const std::map<std::string, dimension, std::less<>> dims = {
        {"v", voltage},
        {"thresh", voltage},
        {"t", time_dim},
        {"tau", time_dim},
        {"i", current},
        {"g", conductance},
        {"A", area},
        {"x", dimension::none()},
        {"y", dimension::none()},
        {"n", dimension::none()},
    };
    return expression::parse(text).infer_dimension(
        [](std::string_view name) -> std::optional<dimension> {
            const auto it = dims.find(name);
            if (it == dims.end()) {
                return std::nullopt;
            }
            return it->second;
        });
}

int error_column(std::string_view text) {
    try {
        expression::parse(text);
    } catch (const expression_error& e) {
        return e.column();
    }
    return -2;
}

bool same_tree(const expression& a, const expression& b) {
    if (a.nodes().size() != b.nodes().size()) {
        return false;
    }
    for (std::size_t k = 0; k < a.nodes().size(); ++k) {
        const expr_node& x = a.nodes()[k];
        const expr_node& y = b.nodes()[k];
        if (x.op != y.op || x.value != y.value || x.name != y.name || x.a != y.a || x.b != y.b) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("expression: numbers, symbols and the flat tree layout", "[lems][expression]") {
    const expression e = expression::parse("a + 2.5");
    REQUIRE(e.text() == "a + 2.5");
    REQUIRE(e.nodes().size() == 3);
    REQUIRE(e.root() == 2);
    const expr_node& root = e.nodes()[2];
    REQUIRE(root.op == expr_op::add);
    REQUIRE(e.nodes()[root.a].op == expr_op::symbol);
    REQUIRE(e.nodes()[root.a].name == "a");
    REQUIRE(e.nodes()[root.b].op == expr_op::number);
    REQUIRE(e.nodes()[root.b].value == 2.5);
    for (std::size_t k = 0; k < e.nodes().size(); ++k) {
        REQUIRE(e.nodes()[k].a < static_cast<int>(k));
        REQUIRE(e.nodes()[k].b < static_cast<int>(k));
    }
}

TEST_CASE("expression: number forms", "[lems][expression]") {
    REQUIRE(eval("5") == 5.0);
    REQUIRE(eval(".5") == 0.5);
    REQUIRE(eval("5.") == 5.0);
    REQUIRE(eval("1e-5") == 1e-5);
    REQUIRE(eval("2.5E+3") == 2500.0);
    REQUIRE(eval("1.e2") == 100.0);
    REQUIRE(eval("2.7182818284590451") == 2.7182818284590451);
    REQUIRE(eval("0.") == 0.0);
    // An e without digits is a name, so 1e-x is 1 e - x, which is not an expression.
    REQUIRE_THROWS_AS(expression::parse("1e-x"), expression_error);
    REQUIRE(eval("e-1", {{"e", 3.0}}) == 2.0);
}

TEST_CASE("expression: node spans cover the user's text", "[lems][expression]") {
    const expression e = expression::parse("(a + b) * -c");
    const expr_node& root = e.nodes()[e.root()];
    REQUIRE(root.begin == 0);
    REQUIRE(root.end == 12);
    const expr_node& left = e.nodes()[root.a];
    REQUIRE(e.text().substr(left.begin, left.end - left.begin) == "(a + b)");
    const expr_node& right = e.nodes()[root.b];
    REQUIRE(e.text().substr(right.begin, right.end - right.begin) == "-c");
}

TEST_CASE("expression: precedence of arithmetic operators", "[lems][expression]") {
    REQUIRE(canonical("a + b * c") == "(a + (b * c))");
    REQUIRE(canonical("a * b + c") == "((a * b) + c)");
    REQUIRE(canonical("a - b / c") == "(a - (b / c))");
    REQUIRE(canonical("a * b ^ c") == "(a * (b ^ c))");
    REQUIRE(canonical("-x^2") == "(-(x ^ 2))");
    REQUIRE(canonical("-a * b") == "((-a) * b)");
    REQUIRE(canonical("2 ^ -x") == "(2 ^ (-x))");
    REQUIRE(canonical("(a + b) * c") == "((a + b) * c)");
    REQUIRE(eval("2 + 3 * 4") == 14.0);
    REQUIRE(eval("-2^2") == -4.0);
    REQUIRE(eval("2^-1") == 0.5);
    REQUIRE(eval("(2 + 3) * 4") == 20.0);
}

TEST_CASE("expression: associativity", "[lems][expression]") {
    REQUIRE(canonical("a - b - c") == "((a - b) - c)");
    REQUIRE(canonical("a / b / c") == "((a / b) / c)");
    REQUIRE(canonical("a / b * c") == "((a / b) * c)");
    REQUIRE(canonical("a ^ b ^ c") == "(a ^ (b ^ c))");
    REQUIRE(eval("10 - 4 - 3") == 3.0);
    REQUIRE(eval("64 / 4 / 2") == 8.0);
    REQUIRE(eval("2 ^ 3 ^ 2") == 512.0);
}

TEST_CASE("expression: unary minus and plus", "[lems][expression]") {
    REQUIRE(canonical("--a") == "(-(-a))");
    REQUIRE(canonical("+a") == "a");
    REQUIRE(canonical("a - -b") == "(a - (-b))");
    REQUIRE(canonical("a * -b") == "(a * (-b))");
    REQUIRE(eval("- 3") == -3.0);
    REQUIRE(eval("+3") == 3.0);
    REQUIRE(eval("-(2 - 5)") == 3.0);
    REQUIRE(eval("1 - -1") == 2.0);
}

TEST_CASE("expression: comparison and logical precedence", "[lems][expression]") {
    REQUIRE(canonical("t .geq. start .and. t .lt. stop") ==
            "((t .geq. start) .and. (t .lt. stop))");
    REQUIRE(canonical("a .lt. b .or. c .gt. d .and. e .eq. f") ==
            "((a .lt. b) .or. ((c .gt. d) .and. (e .eq. f)))");
    REQUIRE(canonical("t .gt. a + b * 2") == "(t .gt. (a + (b * 2)))");
    REQUIRE(canonical("a .eq. b .or. a .neq. b .or. a .leq. b") ==
            "(((a .eq. b) .or. (a .neq. b)) .or. (a .leq. b))");
    REQUIRE(canonical("a .lt. b .and. c .lt. d .and. e .lt. f") ==
            "(((a .lt. b) .and. (c .lt. d)) .and. (e .lt. f))");
}

TEST_CASE("expression: dotted operators without spaces and in any case", "[lems][expression]") {
    REQUIRE(canonical("v.gt.thresh") == "(v .gt. thresh)");
    REQUIRE(canonical("1.gt.x") == "(1 .gt. x)");
    REQUIRE(canonical("1..gt.x") == "(1 .gt. x)");
    REQUIRE(canonical("x.lt.2.5") == "(x .lt. 2.5)");
    REQUIRE(canonical("V/tmp .eq. 0.") == "((V / tmp) .eq. 0)");
    REQUIRE(canonical("a .GT. b .AND. c .Lt. d") == "((a .gt. b) .and. (c .lt. d))");
    REQUIRE(canonical("(a.lt.b).or.(c.geq.d)") == "((a .lt. b) .or. (c .geq. d))");
}

TEST_CASE("expression: comparisons and logic evaluate to 1 and 0", "[lems][expression]") {
    const std::map<std::string, double, std::less<>> values = {{"a", 1.0}, {"b", 2.0}};
    REQUIRE(eval("a .gt. b", values) == 0.0);
    REQUIRE(eval("a .lt. b", values) == 1.0);
    REQUIRE(eval("a .geq. 1", values) == 1.0);
    REQUIRE(eval("a .leq. 0.5", values) == 0.0);
    REQUIRE(eval("a .eq. 1", values) == 1.0);
    REQUIRE(eval("a .neq. 1", values) == 0.0);
    REQUIRE(eval("a .lt. b .and. b .gt. 3", values) == 0.0);
    REQUIRE(eval("a .lt. b .or. b .gt. 3", values) == 1.0);
    REQUIRE(eval("a .gt. b .or. b .gt. 3", values) == 0.0);
    REQUIRE(eval("a .lt. b .and. b .lt. 3", values) == 1.0);
}

TEST_CASE("expression: is_boolean", "[lems][expression]") {
    REQUIRE(expression::parse("v .gt. thresh").is_boolean());
    REQUIRE(expression::parse("(a .lt. b) .and. (c .gt. d)").is_boolean());
    REQUIRE(expression::parse("(a .lt. b)").is_boolean());
    REQUIRE_FALSE(expression::parse("a + b").is_boolean());
    REQUIRE_FALSE(expression::parse("H(a - b)").is_boolean());
}

TEST_CASE("expression: is_literal_zero", "[lems][expression]") {
    REQUIRE(expression::parse("0").is_literal_zero());
    REQUIRE(expression::parse("-0.0").is_literal_zero());
    REQUIRE(expression::parse("(0)").is_literal_zero());
    REQUIRE_FALSE(expression::parse("0 * x").is_literal_zero());
    REQUIRE_FALSE(expression::parse("1").is_literal_zero());
}

TEST_CASE("expression: every function evaluates", "[lems][expression]") {
    REQUIRE(eval("exp(1)") == std::exp(1.0));
    REQUIRE(eval("log(10)") == std::log(10.0));
    REQUIRE(eval("ln(10)") == std::log(10.0));
    REQUIRE(eval("sqrt(16)") == 4.0);
    REQUIRE(eval("sin(0.5)") == std::sin(0.5));
    REQUIRE(eval("cos(0.5)") == std::cos(0.5));
    REQUIRE(eval("tan(0.5)") == std::tan(0.5));
    REQUIRE(eval("sinh(0.5)") == std::sinh(0.5));
    REQUIRE(eval("cosh(0.5)") == std::cosh(0.5));
    REQUIRE(eval("tanh(0.5)") == std::tanh(0.5));
    REQUIRE(eval("abs(-3)") == 3.0);
    REQUIRE(eval("ceil(2.1)") == 3.0);
    REQUIRE(eval("floor(-2.1)") == -3.0);
    REQUIRE(eval("factorial(5)") == 120.0);
    REQUIRE(eval("factorial(0)") == 1.0);
    REQUIRE(std::isnan(eval("factorial(2.5)")));
    REQUIRE(std::isnan(eval("factorial(-1)")));
    REQUIRE(std::isinf(eval("factorial(1000)")));
}

TEST_CASE("expression: Heaviside H(0) is one half", "[lems][expression]") {
    REQUIRE(eval("H(0)") == 0.5);
    REQUIRE(eval("H(-0)") == 0.5);
    REQUIRE(eval("H(2)") == 1.0);
    REQUIRE(eval("H(-1e-300)") == 0.0);
    REQUIRE(eval("H(x - 1)", {{"x", 1.0}}) == 0.5);
}

TEST_CASE("expression: random draws from the uniform source", "[lems][expression]") {
    const expression e = expression::parse("minISI + random(maxISI - minISI)");
    const auto values = [](std::string_view name) { return name == "minISI" ? 1.0 : 5.0; };
    REQUIRE(e.evaluate(values, [] { return 0.25; }) == 2.0);
    REQUIRE_THROWS_AS(e.evaluate(values), expression_error);
    REQUIRE_THROWS_WITH(e.evaluate(values), Catch::Contains("random number source"));
    // Draws happen in the order the calls are written.
    std::vector<double> draws = {0.5, 0.25};
    std::size_t next = 0;
    const double v =
        expression::parse("random(1) - random(10)").evaluate(values, [&] { return draws[next++]; });
    REQUIRE(v == 0.5 - 2.5);
}

TEST_CASE("expression: evaluate uses the symbol lookup", "[lems][expression]") {
    const std::map<std::string, double, std::less<>> values = {
        {"leakReversal", -0.07}, {"v", -0.05}, {"tau", 0.01}};
    REQUIRE(eval("(leakReversal - v) / tau", values) == Approx(-2.0));
    REQUIRE(eval("0.04 * v^2 + 5 * v + 140", {{"v", -70.0}}) == Approx(0.04 * 4900 - 350 + 140));
    REQUIRE_THROWS_WITH(expression::parse("a").evaluate({}),
                        Catch::Contains("no value given for 'a'"));
}

TEST_CASE("expression: symbols in order of first appearance", "[lems][expression]") {
    REQUIRE(expression::parse("b + a * exp(b) - c / H(a)").symbols() ==
            std::vector<std::string>{"b", "a", "c"});
    REQUIRE(expression::parse("2 + 3").symbols().empty());
    REQUIRE(expression::parse("exp(x)").symbols() == std::vector<std::string>{"x"});
}

TEST_CASE("expression: names of functions are symbols unless called", "[lems][expression]") {
    REQUIRE(expression::parse("H * exp").symbols() == std::vector<std::string>{"H", "exp"});
    REQUIRE(canonical("H (x)") == "H(x)");
}

TEST_CASE("expression: str round-trips to an identical tree", "[lems][expression]") {
    const std::vector<std::string> texts = {
        "(0.04 * v^2 / MVOLT + 5 * v + (140.0 - U + ISyn) * MVOLT)/MSEC",
        "- averageIsi * log(1 - random(1))  +delay",
        "t .geq. delay .and. t .lt. duration+delay",
        "v_spike * H(delta_T-1e-12) + v_thresh * H(-1*delta_T+1e-9)",
        "q10Factor^((temperature - experimentalTemp)/TENDEGREES)",
        "1 / (-exp(-peakTime / tauRise) + exp(-peakTime / tauDecay))",
        "a ^ -b ^ c",
        "x .neq. 0 .or. --y .leq. 1e300",
        "0.1 + 1e-7 * 123456789.123",
        "+(+x)",
    };
    for (const std::string& text : texts) {
        const expression e = expression::parse(text);
        const expression again = expression::parse(e.str());
        INFO(text << " -> " << e.str());
        REQUIRE(again.str() == e.str());
        REQUIRE(same_tree(e, again));
    }
    REQUIRE(canonical("exp(-x / 2)") == "exp(((-x) / 2))");
    REQUIRE(canonical("0.1") == "0.1");
    REQUIRE(canonical("1e-5") == "1e-05");
}

TEST_CASE("expression: long sums count as deep trees", "[lems][expression]") {
    std::string sum = "x";
    for (int k = 0; k < 150; ++k) {
        sum += "+x";
    }
    const expression e = expression::parse(sum);
    REQUIRE(e.evaluate([](std::string_view) { return 1.0; }) == 151.0);
    REQUIRE(e.infer_dimension([](std::string_view) { return dimension::none(); }).is_none());
    // str() nests a parenthesis per term, and must still parse.
    REQUIRE(same_tree(expression::parse(e.str()), e));
    for (int k = 0; k < 150; ++k) {
        sum += "+x";
    }
    REQUIRE_THROWS_WITH(expression::parse(sum), Catch::Contains("nested more than 200 levels"));
}

TEST_CASE("expression: the deepest accepted trees round-trip through str", "[lems][expression]") {
    std::string negations(199, '-');
    const expression negated = expression::parse(negations + "x");
    REQUIRE(same_tree(expression::parse(negated.str()), negated));
    std::string powers = "x";
    for (int k = 0; k < 199; ++k) {
        powers += "^-x";
    }
    REQUIRE_THROWS_AS(expression::parse(powers), expression_error);
    powers = "x";
    for (int k = 0; k < 99; ++k) {
        powers += "^-x";
    }
    const expression power_chain = expression::parse(powers);
    REQUIRE(same_tree(expression::parse(power_chain.str()), power_chain));
}

TEST_CASE("expression: syntax errors quote the text and the column", "[lems][expression]") {
    REQUIRE_THROWS_AS(expression::parse("a +"), expression_error);
    REQUIRE_THROWS_WITH(expression::parse("a +"),
                        "\"a +\": expected a number, a name, a function call or '(', found end of "
                        "text at column 4");
    REQUIRE(error_column("a +") == 3);
    REQUIRE_THROWS_WITH(expression::parse("a * * b"), Catch::Contains("found '*' at column 5"));
    REQUIRE(error_column("a * * b") == 4);
    REQUIRE_THROWS_WITH(expression::parse("a b"),
                        Catch::Contains("expected an operator or end of text, found 'b'"));
    REQUIRE(error_column("a b") == 2);
    REQUIRE_THROWS_WITH(expression::parse("5mV"), Catch::Contains("found 'mV' at column 2"));
}

TEST_CASE("expression: empty text is an error", "[lems][expression]") {
    REQUIRE_THROWS_AS(expression::parse(""), expression_error);
    REQUIRE_THROWS_WITH(expression::parse(""), Catch::Contains("expected an expression"));
    REQUIRE_THROWS_WITH(expression::parse("   "), Catch::Contains("expected an expression"));
    REQUIRE_THROWS_WITH(expression::parse("()"), Catch::Contains("found ')'"));
}

TEST_CASE("expression: unbalanced parentheses", "[lems][expression]") {
    REQUIRE_THROWS_WITH(expression::parse("(a + b"),
                        Catch::Contains("expected ')' to close the '(' at column 1, found end of "
                                        "text at column 7"));
    REQUIRE_THROWS_WITH(expression::parse("a + b)"), Catch::Contains("unmatched ')' at column 6"));
    REQUIRE_THROWS_WITH(expression::parse("exp(a"), Catch::Contains("expected ')'"));
}

TEST_CASE("expression: bad characters and operators", "[lems][expression]") {
    REQUIRE_THROWS_WITH(expression::parse("a % b"),
                        Catch::Contains("unexpected character '%' at column 3"));
    REQUIRE_THROWS_WITH(expression::parse("a .ge. b"), Catch::Contains("unknown operator '.ge.'"));
    REQUIRE_THROWS_WITH(expression::parse("a . b"), Catch::Contains("unexpected '.'"));
    REQUIRE_THROWS_WITH(expression::parse("a > b"), Catch::Contains("unexpected character '>'"));
    REQUIRE_THROWS_WITH(expression::parse(std::string("a\x01")), Catch::Contains("'\\x01'"));
    REQUIRE(error_column("a .ge. b") == 2);
}

TEST_CASE("expression: unknown functions and wrong argument counts", "[lems][expression]") {
    REQUIRE_THROWS_WITH(expression::parse("foo(x)"),
                        Catch::Contains("unknown function 'foo'") && Catch::Contains("column 1"));
    REQUIRE_THROWS_WITH(expression::parse("exp()"),
                        Catch::Contains("function 'exp' takes exactly one argument, found none"));
    REQUIRE_THROWS_WITH(expression::parse("exp(a, b)"),
                        Catch::Contains("function 'exp' takes exactly one argument, found more"));
    REQUIRE(error_column("exp(a, b)") == 5);
    REQUIRE_THROWS_AS(expression::parse("Exp(1)"), expression_error);
}

TEST_CASE("expression: numbers out of range", "[lems][expression]") {
    REQUIRE_THROWS_WITH(expression::parse("x * 1e999"), Catch::Contains("out of the range"));
}

TEST_CASE("expression: type errors between numbers and conditions", "[lems][expression]") {
    REQUIRE_THROWS_AS(expression::parse("(a .gt. b) + 1"), expression_error);
    REQUIRE_THROWS_WITH(expression::parse("(a .gt. b) + 1"),
                        Catch::Contains("'(a .gt. b)' is a condition, but '+' needs a number"));
    REQUIRE_THROWS_WITH(expression::parse("-(a .gt. b)"), Catch::Contains("is a condition"));
    REQUIRE_THROWS_WITH(expression::parse("exp(a .gt. b)"),
                        Catch::Contains("is a condition, but 'exp' needs a number"));
    REQUIRE_THROWS_WITH(expression::parse("a .lt. b .lt. c"), Catch::Contains("is a condition"));
    REQUIRE_THROWS_WITH(expression::parse("a .and. b .gt. c"),
                        Catch::Contains("'a' is a number, but '.and.' needs a condition"));
    REQUIRE_THROWS_WITH(expression::parse("a .gt. b .or. 1"),
                        Catch::Contains("'1' is a number, but '.or.' needs a condition"));
    REQUIRE_THROWS_WITH(expression::parse("2 ^ (a .eq. b)"), Catch::Contains("is a condition"));
}

TEST_CASE("expression: nesting depth is limited", "[lems][expression]") {
    const std::string ok = std::string(150, '(') + "x" + std::string(150, ')');
    REQUIRE_NOTHROW(expression::parse(ok));
    const std::string deep = std::string(500, '(') + "x" + std::string(500, ')');
    REQUIRE_THROWS_AS(expression::parse(deep), expression_error);
    REQUIRE_THROWS_WITH(expression::parse(deep), Catch::Contains("nested more than 200 levels"));
    REQUIRE_THROWS_WITH(expression::parse(std::string(100000, '-') + "x"),
                        Catch::Contains("nested more than"));
    std::string powers = "x";
    for (int k = 0; k < 1000; ++k) {
        powers += "^x";
    }
    REQUIRE_THROWS_WITH(expression::parse(powers), Catch::Contains("nested more than"));
    REQUIRE_THROWS_WITH(expression::parse(std::string(100000, '(')),
                        Catch::Contains("nested more than"));
}

TEST_CASE("expression: dimension of symbols, literals and products", "[lems][expression]") {
    REQUIRE(infer("v") == voltage);
    REQUIRE(infer("2.5").is_none());
    REQUIRE(infer("g * v") == current);
    REQUIRE(infer("v / t") == dimension::of(1, 2, -4, -1));
    REQUIRE(infer("-v") == voltage);
    REQUIRE(infer("(v - thresh) / tau") == voltage / time_dim);
    REQUIRE(infer("v .gt. thresh").is_none());
    REQUIRE(infer("v .gt. thresh .and. t .lt. tau").is_none());
}

TEST_CASE("expression: unknown symbols", "[lems][expression]") {
    REQUIRE_THROWS_AS(infer("v + w"), expression_error);
    REQUIRE_THROWS_WITH(infer("v + w"), Catch::Contains("unknown symbol 'w'"));
    try {
        infer("v + w");
        FAIL("no exception");
    } catch (const expression_error& e) {
        REQUIRE(e.column() == 4);
    }
    REQUIRE_THROWS_WITH(expression::parse("a").infer_dimension({}),
                        Catch::Contains("unknown symbol 'a'"));
}

TEST_CASE("expression: sums and comparisons need equal dimensions", "[lems][expression]") {
    REQUIRE(infer("v + thresh") == voltage);
    REQUIRE_THROWS_AS(infer("v + t"), expression_error);
    REQUIRE_THROWS_WITH(infer("v + t"),
                        Catch::Contains("cannot add 'v' (m^1 l^2 t^-3 i^-1) and 't' (t^1)"));
    REQUIRE_THROWS_WITH(infer("v - t"),
                        Catch::Contains("cannot subtract 't' (t^1) from 'v' (m^1 l^2 t^-3 i^-1)"));
    REQUIRE_THROWS_WITH(infer("v .gt. 1"),
                        Catch::Contains("cannot compare 'v' (m^1 l^2 t^-3 i^-1) with '1' (none)"));
    REQUIRE_THROWS_WITH(infer("(g * v) + (v*g) - t"),
                        Catch::Contains("'(g * v) + (v*g)' (i^1)") &&
                            Catch::Contains("in \"(g * v) + (v*g) - t\""));
}

TEST_CASE("expression: literal zero is compatible with any dimension", "[lems][expression]") {
    REQUIRE(infer("v + 0") == voltage);
    REQUIRE(infer("0 + v") == voltage);
    REQUIRE(infer("0 - v") == voltage);
    REQUIRE(infer("v .gt. 0").is_none());
    REQUIRE(infer("0.0 .lt. t").is_none());
    REQUIRE(infer("v .gt. -0").is_none());
    REQUIRE(infer("v .gt. (-(0))").is_none());
    REQUIRE_THROWS_AS(infer("v + 1"), expression_error);
    REQUIRE_THROWS_AS(infer("v .gt. 0 * 1"), expression_error);
}

TEST_CASE("expression: power rules", "[lems][expression]") {
    REQUIRE(infer("v^2") == voltage.pow(2));
    REQUIRE(infer("v^-1") == voltage.pow(-1));
    REQUIRE(infer("v^(-2)") == voltage.pow(-2));
    REQUIRE(infer("v^2.0") == voltage.pow(2));
    REQUIRE(infer("v^0").is_none());
    REQUIRE(infer("x^y").is_none());
    REQUIRE(infer("2^x").is_none());
    REQUIRE(infer("x^0.5").is_none());
    REQUIRE_THROWS_WITH(infer("v^x"),
                        Catch::Contains("'v' has dimension m^1 l^2 t^-3 i^-1, so its exponent 'x' "
                                        "must be a literal integer"));
    REQUIRE_THROWS_WITH(infer("v^0.5"), Catch::Contains("must be a literal integer"));
    REQUIRE_THROWS_WITH(infer("x^t"),
                        Catch::Contains("the exponent 't' must be dimensionless, but it has t^1"));
    REQUIRE_THROWS_WITH(infer("v^1e300"), Catch::Contains("must be a literal integer"));
    REQUIRE_THROWS_AS(infer("((v^100000)^100000)"), expression_error);
}

TEST_CASE("expression: dimensions of function results", "[lems][expression]") {
    for (const char* f :
         {"exp", "log", "ln", "sin", "cos", "tan", "sinh", "cosh", "tanh", "factorial"}) {
        INFO(f);
        REQUIRE(infer(std::string(f) + "(x)").is_none());
        REQUIRE_THROWS_AS(infer(std::string(f) + "(v)"), expression_error);
        REQUIRE_THROWS_WITH(infer(std::string(f) + "(v)"),
                            Catch::Contains("the argument 'v' of '" + std::string(f) +
                                            "' must be dimensionless, but it has m^1 l^2 t^-3 "
                                            "i^-1"));
    }
    for (const char* f : {"abs", "ceil", "floor", "random"}) {
        INFO(f);
        REQUIRE(infer(std::string(f) + "(v)") == voltage);
        REQUIRE(infer(std::string(f) + "(x)").is_none());
    }
    REQUIRE(infer("H(v)").is_none());
    REQUIRE(infer("H(x)").is_none());
    REQUIRE(infer("sqrt(A)") == dimension::of(0, 1, 0, 0));
    REQUIRE(infer("sqrt(v*v)") == voltage);
    REQUIRE(infer("sqrt(x)").is_none());
    REQUIRE_THROWS_WITH(infer("sqrt(v)"),
                        Catch::Contains("cannot take sqrt of 'v' (m^1 l^2 t^-3 i^-1)"));
}
