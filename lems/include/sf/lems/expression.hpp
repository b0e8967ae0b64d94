#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sf/lems/dimension.hpp>

namespace sf::lems {

enum class expr_op {
    number,   // literal; `value`
    symbol,   // variable, parameter or constant; `name`
    negate,   // -a
    add,      // a + b
    subtract, // a - b
    multiply, // a * b
    divide,   // a / b
    power,    // a ^ b
    call, // name(a): exp log ln sqrt sin cos tan sinh cosh tanh abs ceil floor H random factorial
    greater, // a .gt. b
    less,    // a .lt. b
    greater_equal,
    less_equal,
    equal,
    not_equal,
    logical_and, // a .and. b
    logical_or,  // a .or. b
};

struct expr_node {
    expr_op op = expr_op::number;
    double value = 0.0; // number
    std::string name;   // symbol or function name
    int a = -1;         // first operand (index into expression::nodes())
    int b = -1;         // second operand
    // Where the node was written in expression::text(): [begin, end), including the parentheses
    // around it, so that messages can quote the user's own text.
    int begin = -1;
    int end = -1;
};

// Looks up the dimension of a symbol; std::nullopt when the symbol is unknown.
using dimension_lookup = std::function<std::optional<dimension>(std::string_view)>;
// Looks up the current value of a symbol (only called for symbols the expression uses).
using value_lookup = std::function<double(std::string_view)>;
// Returns a uniform random number in [0, 1); used by random(x) = x * uniform().
using uniform_source = std::function<double()>;

// A parsed LEMS expression (arithmetic or boolean). Nodes form a tree stored in a flat vector;
// children always have smaller indices than their parent, and root() is the last node.
class expression {
public:
    // Parses LEMS expression syntax. Throws expression_error (with the column) on bad syntax,
    // unknown functions or wrong argument counts.
    static expression parse(std::string_view text);

    const std::string& text() const { return text_; }
    const std::vector<expr_node>& nodes() const { return nodes_; }
    int root() const { return static_cast<int>(nodes_.size()) - 1; }
    bool is_boolean() const;
    // True when the whole expression is a literal 0 (possibly negated), e.g. value="0": LEMS
    // accepts it for a variable of any dimension, as it does for 0 in sums and comparisons.
    bool is_literal_zero() const;

    // Distinct symbol names in order of first appearance (function names excluded).
    std::vector<std::string> symbols() const;

    // Dimension of the value (dimension::none() for booleans). Throws expression_error naming the
    // offending sub-expression on unknown symbols or inconsistent dimensions.
    dimension infer_dimension(const dimension_lookup& lookup) const;

    // Evaluates in double precision; booleans evaluate to 1.0 / 0.0.
    double evaluate(const value_lookup& lookup, const uniform_source& uniform = {}) const;

    // Canonical text with full parentheses, for messages and tests.
    std::string str() const;

private:
    std::string text_;
    std::vector<expr_node> nodes_;
};

} // namespace sf::lems
