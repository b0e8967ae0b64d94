// libFuzzer target for the LEMS expression parser: any byte string must either parse or throw
// expression_error, and whatever parses must survive every query and round-trip through str().
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <sf/lems/error.hpp>
#include <sf/lems/expression.hpp>

namespace {

using sf::lems::dimension;
using sf::lems::expression;
using sf::lems::expression_error;

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_expression: %s: %s\n", what, detail.c_str());
    std::abort();
}

std::optional<dimension> known_dimension(std::string_view name) {
    if (name == "v" || name == "thresh") {
        return dimension::of(1, 2, -3, -1);
    }
    if (name == "t" || name == "tau") {
        return dimension::of(0, 0, 1, 0);
    }
    if (name == "g") {
        return dimension::of(-1, -2, 3, 2);
    }
    if (name == "x" || name == "y") {
        return dimension::none();
    }
    return std::nullopt;
}

// The outcome of infer_dimension as comparable text.
std::string infer(const expression& e) {
    try {
        return e.infer_dimension(known_dimension).str();
    } catch (const expression_error& err) {
        return std::string("error: ") + err.what();
    }
}

std::optional<double> evaluate(const expression& e) {
    try {
        return e.evaluate([](std::string_view) { return 1.0; }, [] { return 0.5; });
    } catch (const expression_error&) {
        return std::nullopt;
    }
}

bool same_value(std::optional<double> a, std::optional<double> b) {
    if (!a || !b) {
        return !a && !b;
    }
    return *a == *b || (std::isnan(*a) && std::isnan(*b));
}

void check_tree(const expression& e) {
    const auto& nodes = e.nodes();
    if (nodes.empty()) {
        fail("empty tree", e.text());
    }
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        const auto& n = nodes[k];
        if (n.a >= static_cast<int>(k) || n.b >= static_cast<int>(k)) {
            fail("child after parent", e.text());
        }
        if (n.begin < 0 || n.end < n.begin || n.end > static_cast<int>(e.text().size())) {
            fail("bad node span", e.text());
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::optional<expression> parsed;
    try {
        parsed = expression::parse(text);
    } catch (const expression_error&) {
        return 0;
    }
    const expression& e = *parsed;
    check_tree(e);
    static_cast<void>(e.symbols());
    static_cast<void>(e.is_boolean());
    static_cast<void>(e.is_literal_zero());
    const std::string dims = infer(e);
    const std::optional<double> value = evaluate(e);
    try {
        static_cast<void>(e.evaluate([](std::string_view) { return 1.0; }));
    } catch (const expression_error&) {
        // random() without a source is reported, not a crash.
    }

    const std::string canonical = e.str();
    std::optional<expression> again;
    try {
        again = expression::parse(canonical);
    } catch (const expression_error& err) {
        fail("str() does not parse", canonical + " -> " + err.what());
    }
    if (again->str() != canonical) {
        fail("str() is not stable", canonical + " -> " + again->str());
    }
    if (again->nodes().size() != e.nodes().size() || again->symbols() != e.symbols() ||
        again->is_boolean() != e.is_boolean()) {
        fail("str() changes the tree", canonical);
    }
    const std::string dims_again = infer(*again);
    // Messages quote the text, so only the outcome class must agree.
    if ((dims.rfind("error: ", 0) == 0) != (dims_again.rfind("error: ", 0) == 0) ||
        (dims.rfind("error: ", 0) != 0 && dims != dims_again)) {
        fail("str() changes the dimension", canonical + ": " + dims + " vs " + dims_again);
    }
    if (!same_value(value, evaluate(*again))) {
        fail("str() changes the value", canonical);
    }
    return 0;
}
