#include <sf/lems/expression.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sf/lems/error.hpp>

#include "number_syntax.hpp"

namespace sf::lems {

namespace {

// Deepest tree accepted: far beyond real models, and small enough that neither the recursive
// descent nor anything walking the tree can exhaust the stack, also under the sanitizers.
constexpr int max_nesting_depth = 200;
// The recursion limit is looser than the tree limit because str() writes up to two levels of
// nesting per node ("(-(...))", "(a ^ (...))"); whatever parsed must parse again from str().
constexpr int max_recursion_depth = 2 * max_nesting_depth + 8;

// Keeps every column representable as an int; real expressions are a few hundred characters.
constexpr std::size_t max_text_length = std::size_t{1} << 20;

std::string too_deep_message() {
    return "expression nested more than " + std::to_string(max_nesting_depth) + " levels deep";
}

enum class token_kind {
    number,
    identifier,
    plus,
    minus,
    star,
    slash,
    caret,
    open_paren,
    close_paren,
    comma,
    dotted, // .gt. .and. ...; `op` says which
    end,
};

struct token {
    token_kind kind = token_kind::end;
    int begin = 0;
    int end = 0;
    expr_op op = expr_op::number;
};

constexpr std::array<std::string_view, 16> function_names = {
    "exp",  "log",  "ln",  "sqrt", "sin",   "cos", "tan",    "sinh",
    "cosh", "tanh", "abs", "ceil", "floor", "H",   "random", "factorial",
};

bool is_function_name(std::string_view name) {
    for (std::string_view f : function_names) {
        if (f == name) {
            return true;
        }
    }
    return false;
}

bool is_comparison(expr_op op) {
    return op == expr_op::greater || op == expr_op::less || op == expr_op::greater_equal ||
           op == expr_op::less_equal || op == expr_op::equal || op == expr_op::not_equal;
}

bool is_logical(expr_op op) { return op == expr_op::logical_and || op == expr_op::logical_or; }

bool is_boolean_op(expr_op op) { return is_comparison(op) || is_logical(op); }

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_identifier_start(char c) { return number_syntax::is_letter(c) || c == '_'; }

bool is_identifier_char(char c) { return is_identifier_start(c) || number_syntax::is_digit(c); }

std::string_view operator_text(expr_op op) {
    switch (op) {
    case expr_op::add: return "+";
    case expr_op::subtract: return "-";
    case expr_op::multiply: return "*";
    case expr_op::divide: return "/";
    case expr_op::power: return "^";
    case expr_op::greater: return ".gt.";
    case expr_op::less: return ".lt.";
    case expr_op::greater_equal: return ".geq.";
    case expr_op::less_equal: return ".leq.";
    case expr_op::equal: return ".eq.";
    case expr_op::not_equal: return ".neq.";
    case expr_op::logical_and: return ".and.";
    case expr_op::logical_or: return ".or.";
    case expr_op::number:
    case expr_op::symbol:
    case expr_op::negate:
    case expr_op::call: break;
    }
    return "?";
}

expr_op dotted_operator(std::string_view spelling) {
    std::string lower;
    for (char c : spelling) {
        lower += number_syntax::to_lower(c);
    }
    if (lower == ".gt.") {
        return expr_op::greater;
    }
    if (lower == ".lt.") {
        return expr_op::less;
    }
    if (lower == ".geq.") {
        return expr_op::greater_equal;
    }
    if (lower == ".leq.") {
        return expr_op::less_equal;
    }
    if (lower == ".eq.") {
        return expr_op::equal;
    }
    if (lower == ".neq.") {
        return expr_op::not_equal;
    }
    if (lower == ".and.") {
        return expr_op::logical_and;
    }
    return expr_op::logical_or;
}

std::string quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Makes odd bytes visible in messages instead of printing them raw.
std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out;
}

std::string format_number(double value) {
    // Shortest text that reads back as the same double, so str() round-trips exactly.
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

class lexer {
public:
    explicit lexer(std::string_view text) : text_(text) {}

    std::vector<token> run() {
        std::vector<token> tokens;
        std::size_t pos = 0;
        while (true) {
            while (pos < text_.size() && is_space(text_[pos])) {
                ++pos;
            }
            token t;
            t.begin = static_cast<int>(pos);
            if (pos == text_.size()) {
                t.kind = token_kind::end;
                t.end = t.begin;
                tokens.push_back(t);
                return tokens;
            }
            const std::size_t length = scan(pos, t);
            pos += length;
            t.end = static_cast<int>(pos);
            tokens.push_back(t);
        }
    }

private:
    std::size_t scan(std::size_t pos, token& t) const {
        const std::string_view rest = text_.substr(pos);
        const char c = rest[0];
        if (const std::size_t n = number_syntax::scan_number(rest, true); n > 0) {
            t.kind = token_kind::number;
            return n;
        }
        if (is_identifier_start(c)) {
            std::size_t n = 1;
            while (n < rest.size() && is_identifier_char(rest[n])) {
                ++n;
            }
            t.kind = token_kind::identifier;
            return n;
        }
        if (const std::size_t n = number_syntax::scan_dotted_operator(rest); n > 0) {
            t.kind = token_kind::dotted;
            t.op = dotted_operator(rest.substr(0, n));
            return n;
        }
        switch (c) {
        case '+': t.kind = token_kind::plus; return 1;
        case '-': t.kind = token_kind::minus; return 1;
        case '*': t.kind = token_kind::star; return 1;
        case '/': t.kind = token_kind::slash; return 1;
        case '^': t.kind = token_kind::caret; return 1;
        case '(': t.kind = token_kind::open_paren; return 1;
        case ')': t.kind = token_kind::close_paren; return 1;
        case ',': t.kind = token_kind::comma; return 1;
        default: break;
        }
        std::string what;
        if (c == '.') {
            std::size_t n = 1;
            while (n < rest.size() && number_syntax::is_letter(rest[n])) {
                ++n;
            }
            const bool closed = n > 1 && n < rest.size() && rest[n] == '.';
            what = closed ? "unknown operator '" + printable(rest.substr(0, n + 1)) +
                                "' (expected .gt. .lt. .geq. .leq. .eq. .neq. .and. or .or.)"
                          : std::string("unexpected '.'");
        } else {
            what = "unexpected character '" + printable(rest.substr(0, 1)) + "'";
        }
        throw expression_error(quote(printable(text_)) + ": " + what + " at column " +
                                   std::to_string(pos + 1),
                               static_cast<int>(pos));
    }

    std::string_view text_;
};

class parser {
public:
    parser(std::string_view text, std::vector<expr_node>& nodes)
        : text_(text), tokens_(lexer(text).run()), nodes_(nodes) {}

    void run() {
        if (peek().kind == token_kind::end) {
            throw fail("expected an expression, found empty text", peek().begin);
        }
        parse_or();
        if (peek().kind != token_kind::end) {
            const token& t = peek();
            const std::string what =
                t.kind == token_kind::close_paren
                    ? "unmatched ')'"
                    : "expected an operator or end of text, found " + describe(t);
            throw fail(what, t.begin);
        }
    }

private:
    // Counts the recursion depth for the lifetime of one parse_unary call.
    class depth_guard {
    public:
        depth_guard(parser& p, int column) : parser_(p) {
            if (++parser_.depth_ > max_recursion_depth) {
                throw parser_.fail(too_deep_message(), column);
            }
        }
        ~depth_guard() { --parser_.depth_; }
        depth_guard(const depth_guard&) = delete;
        depth_guard& operator=(const depth_guard&) = delete;

    private:
        parser& parser_;
    };

    const token& peek() const { return tokens_[pos_]; }
    const token& next() { return tokens_[pos_++]; }

    std::string_view spelling(const token& t) const {
        return text_.substr(t.begin, t.end - t.begin);
    }

    std::string describe(const token& t) const {
        return t.kind == token_kind::end ? "end of text" : "'" + printable(spelling(t)) + "'";
    }

    std::string_view source(int node) const {
        const expr_node& n = nodes_[node];
        return text_.substr(n.begin, n.end - n.begin);
    }

    expression_error fail(const std::string& what, int column) const {
        return expression_error(quote(printable(text_)) + ": " + what + " at column " +
                                    std::to_string(column + 1),
                                column);
    }

    int add(expr_node node) {
        int depth = 1;
        for (int child : {node.a, node.b}) {
            if (child >= 0 && tree_depths_[child] + 1 > depth) {
                depth = tree_depths_[child] + 1;
            }
        }
        // Long sums are flat to the parser but deep as trees and in the parentheses of str().
        if (depth > max_nesting_depth) {
            throw fail(too_deep_message(), node.begin);
        }
        tree_depths_.push_back(depth);
        nodes_.push_back(std::move(node));
        return static_cast<int>(nodes_.size()) - 1;
    }

    int add_binary(expr_op op, int a, int b) {
        expr_node node;
        node.op = op;
        node.a = a;
        node.b = b;
        node.begin = nodes_[a].begin;
        node.end = nodes_[b].end;
        return add(std::move(node));
    }

    // Operands of arithmetic and comparisons must be numbers, of .and./.or. conditions.
    void require_number(int node, std::string_view op, const token& at) const {
        if (is_boolean_op(nodes_[node].op)) {
            throw fail("'" + printable(source(node)) + "' is a condition, but '" + std::string(op) +
                           "' needs a number",
                       at.begin);
        }
    }

    void require_condition(int node, std::string_view op, const token& at) const {
        if (!is_boolean_op(nodes_[node].op)) {
            throw fail("'" + printable(source(node)) + "' is a number, but '" + std::string(op) +
                           "' needs a condition",
                       at.begin);
        }
    }

    int parse_or() {
        int left = parse_and();
        while (peek().kind == token_kind::dotted && peek().op == expr_op::logical_or) {
            const token op = next();
            const int right = parse_and();
            require_condition(left, spelling(op), op);
            require_condition(right, spelling(op), op);
            left = add_binary(expr_op::logical_or, left, right);
        }
        return left;
    }

    int parse_and() {
        int left = parse_comparison();
        while (peek().kind == token_kind::dotted && peek().op == expr_op::logical_and) {
            const token op = next();
            const int right = parse_comparison();
            require_condition(left, spelling(op), op);
            require_condition(right, spelling(op), op);
            left = add_binary(expr_op::logical_and, left, right);
        }
        return left;
    }

    int parse_comparison() {
        int left = parse_sum();
        while (peek().kind == token_kind::dotted && is_comparison(peek().op)) {
            const token op = next();
            const int right = parse_sum();
            require_number(left, spelling(op), op);
            require_number(right, spelling(op), op);
            left = add_binary(op.op, left, right);
        }
        return left;
    }

    int parse_sum() {
        int left = parse_product();
        while (peek().kind == token_kind::plus || peek().kind == token_kind::minus) {
            const token op = next();
            const int right = parse_product();
            require_number(left, spelling(op), op);
            require_number(right, spelling(op), op);
            left = add_binary(op.kind == token_kind::plus ? expr_op::add : expr_op::subtract, left,
                              right);
        }
        return left;
    }

    int parse_product() {
        int left = parse_unary();
        while (peek().kind == token_kind::star || peek().kind == token_kind::slash) {
            const token op = next();
            const int right = parse_unary();
            require_number(left, spelling(op), op);
            require_number(right, spelling(op), op);
            left = add_binary(op.kind == token_kind::star ? expr_op::multiply : expr_op::divide,
                              left, right);
        }
        return left;
    }

    // Unary minus binds looser than '^' (-x^2 is -(x^2)) and tighter than '*'.
    int parse_unary() {
        const depth_guard guard(*this, peek().begin);
        if (peek().kind == token_kind::minus || peek().kind == token_kind::plus) {
            const token op = next();
            const int operand = parse_unary();
            require_number(operand, spelling(op), op);
            if (op.kind == token_kind::plus) {
                nodes_[operand].begin = op.begin;
                return operand;
            }
            expr_node node;
            node.op = expr_op::negate;
            node.a = operand;
            node.begin = op.begin;
            node.end = nodes_[operand].end;
            return add(std::move(node));
        }
        return parse_power();
    }

    // '^' is right associative and its exponent may carry a sign: a^-b^c is a^(-(b^c)).
    int parse_power() {
        const int base = parse_primary();
        if (peek().kind != token_kind::caret) {
            return base;
        }
        const token op = next();
        const int exponent = parse_unary();
        require_number(base, "^", op);
        require_number(exponent, "^", op);
        return add_binary(expr_op::power, base, exponent);
    }

    int parse_primary() {
        const token t = next();
        switch (t.kind) {
        case token_kind::number: {
            const std::optional<double> value = number_syntax::parse_number(spelling(t));
            if (!value) {
                throw fail("number '" + std::string(spelling(t)) +
                               "' is out of the range of a double",
                           t.begin);
            }
            expr_node node;
            node.op = expr_op::number;
            node.value = *value;
            node.begin = t.begin;
            node.end = t.end;
            return add(std::move(node));
        }
        case token_kind::identifier:
            if (peek().kind == token_kind::open_paren) {
                return parse_call(t);
            }
            {
                expr_node node;
                node.op = expr_op::symbol;
                node.name = std::string(spelling(t));
                node.begin = t.begin;
                node.end = t.end;
                return add(std::move(node));
            }
        case token_kind::open_paren: {
            const int inner = parse_or();
            expect_close(t);
            // The parentheses belong to the quoted text of the inner node.
            nodes_[inner].begin = t.begin;
            nodes_[inner].end = tokens_[pos_ - 1].end;
            return inner;
        }
        default: break;
        }
        throw fail("expected a number, a name, a function call or '(', found " + describe(t),
                   t.begin);
    }

    int parse_call(const token& name_token) {
        const std::string name(spelling(name_token));
        if (!is_function_name(name)) {
            throw fail("unknown function '" + name +
                           "' (expected exp, log, ln, sqrt, sin, cos, tan, sinh, cosh, tanh, "
                           "abs, ceil, floor, H, random or factorial)",
                       name_token.begin);
        }
        const token open = next();
        if (peek().kind == token_kind::close_paren) {
            throw fail("function '" + name + "' takes exactly one argument, found none",
                       peek().begin);
        }
        const int argument = parse_or();
        if (peek().kind == token_kind::comma) {
            throw fail("function '" + name + "' takes exactly one argument, found more",
                       peek().begin);
        }
        expect_close(open);
        require_number(argument, name, name_token);
        expr_node node;
        node.op = expr_op::call;
        node.name = name;
        node.a = argument;
        node.begin = name_token.begin;
        node.end = tokens_[pos_ - 1].end;
        return add(std::move(node));
    }

    void expect_close(const token& open) {
        if (peek().kind != token_kind::close_paren) {
            throw fail("expected ')' to close the '(' at column " + std::to_string(open.begin + 1) +
                           ", found " + describe(peek()),
                       peek().begin);
        }
        next();
    }

    std::string_view text_;
    std::vector<token> tokens_;
    std::vector<expr_node>& nodes_;
    std::vector<int> tree_depths_; // parallel to nodes_
    std::size_t pos_ = 0;
    int depth_ = 0;
};

// A literal number, possibly negated or wrapped in unary plus: the only operands that may be
// added to anything (when zero) or used as the exponent of a quantity with a dimension.
std::optional<double> literal_value(const std::vector<expr_node>& nodes, int index) {
    double sign = 1.0;
    // Negations nest at most max_nesting_depth deep, so this loop is short.
    while (nodes[index].op == expr_op::negate) {
        sign = -sign;
        index = nodes[index].a;
    }
    if (nodes[index].op != expr_op::number) {
        return std::nullopt;
    }
    return sign * nodes[index].value;
}

std::string_view node_text(std::string_view text, const expr_node& n) {
    if (n.begin < 0 || n.end < n.begin || static_cast<std::size_t>(n.end) > text.size()) {
        return {};
    }
    return text.substr(n.begin, n.end - n.begin);
}

double heaviside(double x) {
    if (std::isnan(x)) {
        return x;
    }
    return x > 0.0 ? 1.0 : (x < 0.0 ? 0.0 : 0.5);
}

double factorial(double x) {
    if (!(x >= 0.0) || x != std::floor(x)) {
        return std::nan("");
    }
    // 171! is beyond the double range; stopping here also bounds the loop.
    if (x > 170.0) {
        return HUGE_VAL;
    }
    double result = 1.0;
    for (double k = 2.0; k <= x; k += 1.0) {
        result *= k;
    }
    return result;
}

double call_function(const std::string& text, const expr_node& n, double x,
                     const uniform_source& uniform) {
    const std::string& f = n.name;
    if (f == "exp") {
        return std::exp(x);
    }
    if (f == "log" || f == "ln") {
        return std::log(x);
    }
    if (f == "sqrt") {
        return std::sqrt(x);
    }
    if (f == "sin") {
        return std::sin(x);
    }
    if (f == "cos") {
        return std::cos(x);
    }
    if (f == "tan") {
        return std::tan(x);
    }
    if (f == "sinh") {
        return std::sinh(x);
    }
    if (f == "cosh") {
        return std::cosh(x);
    }
    if (f == "tanh") {
        return std::tanh(x);
    }
    if (f == "abs") {
        return std::fabs(x);
    }
    if (f == "ceil") {
        return std::ceil(x);
    }
    if (f == "floor") {
        return std::floor(x);
    }
    if (f == "H") {
        return heaviside(x);
    }
    if (f == "factorial") {
        return factorial(x);
    }
    // random(x) is the only function left; parse() accepts no other name.
    if (!uniform) {
        throw expression_error("'" + printable(node_text(text, n)) +
                                   "' needs a random number source in " + quote(printable(text)),
                               n.begin);
    }
    return x * uniform();
}

} // namespace

expression expression::parse(std::string_view text) {
    if (text.size() > max_text_length) {
        throw expression_error("expression of " + std::to_string(text.size()) +
                               " characters is longer than the limit of " +
                               std::to_string(max_text_length));
    }
    expression result;
    result.text_ = std::string(text);
    parser(result.text_, result.nodes_).run();
    return result;
}

bool expression::is_boolean() const { return !nodes_.empty() && is_boolean_op(nodes_.back().op); }

bool expression::is_literal_zero() const {
    if (nodes_.empty()) {
        return false;
    }
    const std::optional<double> value = literal_value(nodes_, root());
    return value && *value == 0.0;
}

std::vector<std::string> expression::symbols() const {
    std::vector<std::string> names;
    // Children precede parents and left operands were parsed first, so index order is the order
    // of appearance in the text.
    for (const expr_node& node : nodes_) {
        if (node.op != expr_op::symbol) {
            continue;
        }
        bool seen = false;
        for (const std::string& name : names) {
            seen = seen || name == node.name;
        }
        if (!seen) {
            names.push_back(node.name);
        }
    }
    return names;
}

namespace {

// The dimension of every node of an expression, bottom-up over the flat vector rather than by
// recursion (a long sum is a deep tree), with errors that quote the part of the text at fault.
class dimension_inference {
public:
    dimension_inference(const std::vector<expr_node>& nodes, const std::string& text)
        : nodes_(nodes), text_(text), dims_(nodes.size()) {}

    dimension infer(const dimension_lookup& lookup) {
        for (std::size_t k = 0; k < nodes_.size(); ++k) {
            dims_[k] = of(nodes_[k], static_cast<int>(k), lookup);
        }
        return dims_.empty() ? dimension::none() : dims_.back();
    }

private:
    dimension of(const expr_node& n, int index, const dimension_lookup& lookup) const {
        switch (n.op) {
        case expr_op::number: return dimension::none();
        case expr_op::symbol: {
            std::optional<dimension> found;
            if (lookup) {
                found = lookup(n.name);
            }
            if (!found) {
                throw fail("unknown symbol '" + n.name + "'", index);
            }
            return *found;
        }
        case expr_op::negate: return dims_[n.a];
        case expr_op::add:
        case expr_op::subtract:
        case expr_op::greater:
        case expr_op::less:
        case expr_op::greater_equal:
        case expr_op::less_equal:
        case expr_op::equal:
        case expr_op::not_equal: return of_like_operands(n, index);
        case expr_op::multiply:
        case expr_op::divide:
            try {
                return n.op == expr_op::multiply ? dims_[n.a] * dims_[n.b]
                                                 : dims_[n.a] / dims_[n.b];
            } catch (const expression_error& e) {
                throw fail(e.what() + (" in " + sub(index)), index);
            }
        case expr_op::power: return of_power(n, index);
        case expr_op::logical_and:
        case expr_op::logical_or: return dimension::none();
        case expr_op::call: return of_call(n, index);
        }
        return dimension::none();
    }

    // Sums, differences and comparisons need operands of one dimension (or a literal zero).
    dimension of_like_operands(const expr_node& n, int index) const {
        const dimension& da = dims_[n.a];
        const dimension& db = dims_[n.b];
        const bool compatible = da == db || is_zero_literal(n.a) || is_zero_literal(n.b);
        if (!compatible) {
            const std::string left = sub(n.a) + " (" + da.str() + ")";
            const std::string right = sub(n.b) + " (" + db.str() + ")";
            if (n.op == expr_op::add) {
                throw fail("cannot add " + left + " and " + right, index);
            }
            if (n.op == expr_op::subtract) {
                throw fail("cannot subtract " + right + " from " + left, index);
            }
            throw fail("cannot compare " + left + " with " + right + " using '" +
                           std::string(operator_text(n.op)) + "'",
                       index);
        }
        if (is_boolean_op(n.op)) {
            return dimension::none();
        }
        return is_zero_literal(n.a) ? db : da;
    }

    dimension of_power(const expr_node& n, int index) const {
        const dimension& base = dims_[n.a];
        const dimension& exponent = dims_[n.b];
        if (!exponent.is_none()) {
            throw fail("the exponent " + sub(n.b) + " must be dimensionless, but it has " +
                           exponent.str(),
                       n.b);
        }
        if (base.is_none()) {
            return dimension::none();
        }
        const std::optional<double> power = literal_value(nodes_, n.b);
        if (!power || *power != std::floor(*power) || std::fabs(*power) > 1.0e6) {
            throw fail(sub(n.a) + " has dimension " + base.str() + ", so its exponent " + sub(n.b) +
                           " must be a literal integer",
                       n.b);
        }
        try {
            return base.pow(static_cast<int>(*power));
        } catch (const expression_error& e) {
            throw fail(e.what() + (" in " + sub(index)), index);
        }
    }

    dimension of_call(const expr_node& n, int index) const {
        const dimension& arg = dims_[n.a];
        if (n.name == "abs" || n.name == "ceil" || n.name == "floor" || n.name == "random") {
            return arg;
        }
        if (n.name == "H") {
            return dimension::none();
        }
        if (n.name == "sqrt") {
            dimension half;
            for (std::size_t e = 0; e < arg.exponents.size(); ++e) {
                if (arg.exponents[e] % 2 != 0) {
                    throw fail("cannot take sqrt of " + sub(n.a) + " (" + arg.str() +
                                   "): its dimension has odd exponents",
                               index);
                }
                half.exponents[e] = arg.exponents[e] / 2;
            }
            return half;
        }
        if (!arg.is_none()) {
            throw fail("the argument " + sub(n.a) + " of '" + n.name +
                           "' must be dimensionless, but it has " + arg.str(),
                       index);
        }
        return dimension::none();
    }

    std::string sub(int index) const {
        return "'" + printable(node_text(text_, nodes_[index])) + "'";
    }

    expression_error fail(const std::string& what, int index) const {
        return expression_error(what + " in " + quote(printable(text_)), nodes_[index].begin);
    }

    bool is_zero_literal(int index) const {
        const std::optional<double> value = literal_value(nodes_, index);
        return value && *value == 0.0;
    }

    const std::vector<expr_node>& nodes_;
    const std::string& text_;
    std::vector<dimension> dims_;
};

} // namespace

dimension expression::infer_dimension(const dimension_lookup& lookup) const {
    return dimension_inference(nodes_, text_).infer(lookup);
}

double expression::evaluate(const value_lookup& lookup, const uniform_source& uniform) const {
    // Bottom-up like infer_dimension; every node is reachable from the root, so nothing is
    // computed in vain (random() draws happen in left-to-right order of the text).
    std::vector<double> values(nodes_.size());
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        const expr_node& n = nodes_[k];
        const double a = n.a >= 0 ? values[n.a] : 0.0;
        const double b = n.b >= 0 ? values[n.b] : 0.0;
        double v = 0.0;
        switch (n.op) {
        case expr_op::number: v = n.value; break;
        case expr_op::symbol:
            if (!lookup) {
                throw expression_error(
                    "no value given for '" + n.name + "' in " + quote(printable(text_)), n.begin);
            }
            v = lookup(n.name);
            break;
        case expr_op::negate: v = -a; break;
        case expr_op::add: v = a + b; break;
        case expr_op::subtract: v = a - b; break;
        case expr_op::multiply: v = a * b; break;
        case expr_op::divide: v = a / b; break;
        case expr_op::power: v = std::pow(a, b); break;
        case expr_op::greater: v = a > b ? 1.0 : 0.0; break;
        case expr_op::less: v = a < b ? 1.0 : 0.0; break;
        case expr_op::greater_equal: v = a >= b ? 1.0 : 0.0; break;
        case expr_op::less_equal: v = a <= b ? 1.0 : 0.0; break;
        case expr_op::equal: v = a == b ? 1.0 : 0.0; break;
        case expr_op::not_equal: v = a != b ? 1.0 : 0.0; break;
        case expr_op::logical_and: v = (a != 0.0 && b != 0.0) ? 1.0 : 0.0; break;
        case expr_op::logical_or: v = (a != 0.0 || b != 0.0) ? 1.0 : 0.0; break;
        case expr_op::call: v = call_function(text_, n, a, uniform); break;
        }
        values[k] = v;
    }
    return values.empty() ? 0.0 : values.back();
}

std::string expression::str() const {
    if (nodes_.empty()) {
        return {};
    }
    // Iterative so that deep left-leaning trees (long sums) cannot exhaust the stack.
    struct frame {
        int node;
        int stage;
    };
    std::string out;
    std::vector<frame> stack{{root(), 0}};
    while (!stack.empty()) {
        frame& top = stack.back();
        const expr_node& n = nodes_[top.node];
        switch (n.op) {
        case expr_op::number:
            out += format_number(n.value);
            stack.pop_back();
            break;
        case expr_op::symbol:
            out += n.name;
            stack.pop_back();
            break;
        case expr_op::negate:
        case expr_op::call:
            if (top.stage == 0) {
                out += n.op == expr_op::negate ? "(-" : n.name + "(";
                top.stage = 1;
                stack.push_back({n.a, 0});
            } else {
                out += ')';
                stack.pop_back();
            }
            break;
        default:
            if (top.stage == 0) {
                out += '(';
                top.stage = 1;
                stack.push_back({n.a, 0});
            } else if (top.stage == 1) {
                out += ' ';
                out += operator_text(n.op);
                out += ' ';
                top.stage = 2;
                stack.push_back({n.b, 0});
            } else {
                out += ')';
                stack.pop_back();
            }
            break;
        }
    }
    return out;
}

} // namespace sf::lems
