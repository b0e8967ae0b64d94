// Every way a network can fail to compile for a board's neuron cores is refused with
// compile_error naming the population, the limit and the need. What cannot be flattened into
// neurons is test_flatten_errors.cpp's.
#include <map>
#include <string>
#include <typeinfo>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/quantise.hpp>

#include "../lems/model_text.hpp"
#include "../lems/test_support.hpp"

namespace {

namespace ir = sf::lems::ir;
using sf::lems::test::into_post;
using sf::lems::test::projection;
using sf::lems::test::temp_folder;
using sf::lems::test::weighted;

std::string lems(const std::string& body, const std::string& outputs = "") {
    return sf::lems::test::lems_document(body, outputs);
}
using sf::mapper::capacity_error;
using sf::mapper::compile_error;

// A board named "small" with spinn5's core limits except `changes` (attribute -> value).
sf::mapper::board small_board(const std::map<std::string, std::string>& changes) {
    std::map<std::string, std::string> core{
        {"neurons", "256"},
        {"state_words_per_neuron", "32"},
        {"state_memory_words", "8192"},
        {"synaptic_memory_bytes", "1000000"},
        {"program_words", "1024"},
        {"constant_words", "1024"},
        {"lookup_table_words", "2048"},
        {"weight_bits", "16"},
        {"weight_signed", "true"},
        {"delay_slots", "16"},
        {"input_channels", "2"},
        {"max_fan_in", "0"},
    };
    for (const auto& [key, value] : changes) {
        core[key] = value;
    }
    std::string text =
        "<board name=\"small\" time_step=\"1 ms\">\n"
        "<chips width=\"1\" height=\"1\" topology=\"mesh\" cores=\"2\" router_entries=\"64\" "
        "link_bandwidth=\"1000\"/>\n<core";
    for (const auto& [key, value] : core) {
        text += " " + key + "=\"" + value + "\"";
    }
    return sf::mapper::load_board_text(text + "/>\n</board>\n", "small.xml");
}

ir::network flatten_text(const std::string& text) {
    temp_folder dir("sf_quantise_errors");
    const auto file = dir.write("model.xml", text);
    return sf::lems::flatten(sf::lems::load_model({file}));
}

// The compile_error `compile` throws; fails the test when it throws nothing or something else.
template <class Compile>
compile_error error_of(Compile&& compile) {
    try {
        compile();
    } catch (const compile_error& e) {
        CHECK(typeid(e) == typeid(compile_error));
        return e;
    }
    FAIL("compiled without a compile_error");
    return compile_error("", "");
}

// The capacity_error `compile` throws, with the limit it names and its numbers, checked: the
// element is the population, and the need is above what is available.
template <class Compile>
compile_error capacity_of(const std::string& limit, Compile&& compile) {
    try {
        compile();
    } catch (const capacity_error& e) {
        CHECK(typeid(e) == typeid(capacity_error));
        CHECK(e.limit() == limit);
        CHECK(e.element() == e.group());
        CHECK(e.needed() > e.available());
        return e;
    }
    FAIL("compiled without a capacity_error");
    return compile_error("", "");
}

// The error names the population, and the message the limit and the need.
void check_error(const compile_error& e, const std::string& group,
                 const std::vector<std::string>& parts) {
    INFO(e.what());
    CHECK(e.group() == group);
    CHECK(std::string(e.what()) == (group.empty() ? "" : group + ": ") + e.message());
    for (const auto& part : parts) {
        CHECK_THAT(e.message(), Catch::Contains(part));
    }
}

// Two integrate-and-fire cells driven by a pulse, in one group.
const std::string driven_pair = lems(R"(
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <pulseGenerator id="pulse" delay="5ms" duration="100ms" amplitude="1nA"/>
    <network id="net">
        <population id="pop" component="iaf" size="2"/>
        <explicitInput target="pop[0]" input="pulse"/>
        <explicitInput target="pop[1]" input="pulse"/>
    </network>)");

// An adaptive exponential cell: one lookup table for its exponential term.
const std::string adex = lems(R"(
    <adExIaFCell id="adex" C="281pF" gL="30nS" EL="-70.6mV" reset="-48.5mV" VT="-50.4mV"
            thresh="-40.4mV" refract="0ms" delT="2mV" tauw="144ms" a="4nS" b="0.0805nA"/>
    <pulseGenerator id="pulse" delay="5ms" duration="100ms" amplitude="1nA"/>
    <network id="net">
        <population id="ad" component="adex" size="1"/>
        <explicitInput target="ad[0]" input="pulse"/>
    </network>)");

const std::string one_synapse = R"(
    <expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>)";

const std::string two_connections = R"(
            <connection id="0" preCellId="../pre[0]" postCellId="../post[0]"/>
            <connection id="1" preCellId="../pre[1]" postCellId="../post[0]"/>)";

// ---- networks built directly --------------------------------------------------------------------

ir::network direct_network(int neurons) {
    ir::network net;
    net.simulation = "sim";
    net.target = "net";
    net.dt = 1e-4;
    net.steps = 2;
    net.length = 2e-4;
    net.seed = 1;
    ir::neuron_group g;
    g.population = "p";
    g.component = "made";
    g.label = "p[0.." + std::to_string(neurons - 1) + "]";
    for (int n = 0; n < neurons; ++n) {
        g.members.push_back(n);
    }
    net.groups.push_back(g);
    return net;
}

int add_variable(ir::network& net, const std::string& name, ir::storage kind,
                 std::vector<double> initial, bool recorded = false) {
    ir::variable v;
    v.name = name;
    v.member = name;
    v.kind = kind;
    v.recorded = recorded;
    v.initial = std::move(initial);
    net.groups[0].variables.push_back(v);
    return static_cast<int>(net.groups[0].variables.size()) - 1;
}

ir::expr binary(ir::op kind, const ir::expr& a, const ir::expr& b) {
    ir::expr e;
    const int ra = e.append(a);
    const int rb = e.append(b);
    e.add(ir::node{kind, ra, rb, 0.0, -1});
    return e;
}

ir::expr unary(ir::op kind, const ir::expr& a) {
    ir::expr e;
    const int ra = e.append(a);
    e.add(ir::node{kind, ra, -1, 0.0, -1});
    return e;
}

void assign(ir::network& net, int target, ir::expr value) {
    net.groups[0].step.push_back(
        ir::statement{ir::statement_kind::assign, target, std::move(value), -1});
}

// A complete binary tree of `depth` levels of products and sums over s0 and s1.
ir::expr deep_tree(int depth, int leaf) {
    if (depth == 0) {
        return ir::expr::variable(leaf % 2);
    }
    return binary(depth % 2 == 0 ? ir::op::multiply : ir::op::add, deep_tree(depth - 1, leaf),
                  deep_tree(depth - 1, leaf + 1));
}

} // namespace

// ---- board limits
// ----------------------------------------------------------------------------------

TEST_CASE("quantise errors: a model fits the test's board", "[mapper][quantise]") {
    CHECK_NOTHROW(sf::mapper::quantise(flatten_text(driven_pair), small_board({})));
    CHECK_NOTHROW(sf::mapper::quantise(flatten_text(adex), small_board({})));
    CHECK_NOTHROW(sf::mapper::quantise(
        flatten_text(into_post(one_synapse, projection("syn", two_connections))),
        small_board({{"max_fan_in", "2"}})));
}

TEST_CASE("quantise errors: more state words than a neuron has", "[mapper][quantise]") {
    const ir::network net = flatten_text(driven_pair);
    const sf::mapper::board board = small_board({{"state_words_per_neuron", "1"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(capacity_of("state words per neuron", [&] { sf::mapper::quantise(net, board); }),
                "pop[0..1]", {"state words per neuron", "board small's cores hold 1", "needs "});
}

TEST_CASE("quantise errors: a program longer than a core holds", "[mapper][quantise]") {
    const ir::network net = flatten_text(driven_pair);
    const sf::mapper::board board = small_board({{"program_words", "10"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    const compile_error e = capacity_of("program words", [&] { sf::mapper::quantise(net, board); });
    check_error(e, "pop[0..1]", {"instruction words", "board small's cores hold 10"});
    // The need is the length the program has where it fits.
    const auto fits = sf::mapper::quantise(net, small_board({}));
    CHECK_THAT(e.message(),
               Catch::Contains("needs " + std::to_string(fits.groups[0].program.size())));
}

TEST_CASE("quantise errors: more constants than a core holds", "[mapper][quantise]") {
    const ir::network net = flatten_text(driven_pair);
    const auto fits = sf::mapper::quantise(net, small_board({}));
    const std::size_t needed = fits.groups[0].constants.size();
    REQUIRE(needed >= 2);
    const sf::mapper::board board = small_board({{"constant_words", std::to_string(needed - 1)}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(capacity_of("constants", [&] { sf::mapper::quantise(net, board); }), "pop[0..1]",
                {"needs " + std::to_string(needed) + " constants",
                 "board small's cores hold " + std::to_string(needed - 1)});
    CHECK_NOTHROW(
        sf::mapper::quantise(net, small_board({{"constant_words", std::to_string(needed)}})));
}

TEST_CASE("quantise errors: lookup tables larger than a core's table memory",
          "[mapper][quantise]") {
    const ir::network net = flatten_text(adex);
    const sf::mapper::board board = small_board({{"lookup_table_words", "3"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(capacity_of("lookup table words", [&] { sf::mapper::quantise(net, board); }),
                "ad[0]", {"lookup tables need 5 words", "board small's cores hold 3"});
    // With none at all.
    check_error(
        capacity_of("lookup table words",
                    [&] {
                        sf::mapper::quantise(net, small_board({{"lookup_table_words", "0"}}));
                    }),
        "ad[0]", {"lookup tables need", "hold 0"});
}

TEST_CASE("quantise errors: more synaptic input channels than a neuron has", "[mapper][quantise]") {
    const std::string text =
        into_post(one_synapse + R"(
    <expOneSynapse id="inh" gbase="1nS" erev="-80mV" tauDecay="5ms"/>)",
                  projection("syn", two_connections) + projection("inh", two_connections));
    const ir::network net = flatten_text(text);
    REQUIRE_NOTHROW(sf::mapper::quantise(net, small_board({})));
    const sf::mapper::board board = small_board({{"input_channels", "1"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(capacity_of("input channels per neuron", [&] { sf::mapper::quantise(net, board); }),
                "post[0]",
                {"needs 2 synaptic input channels per neuron", "board small's neurons have 1"});
}

TEST_CASE("quantise errors: a fan-in above the board's max_fan_in", "[mapper][quantise]") {
    const ir::network net =
        flatten_text(into_post(one_synapse, projection("syn", two_connections)));
    const sf::mapper::board board = small_board({{"max_fan_in", "1"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(capacity_of("fan-in", [&] { sf::mapper::quantise(net, board); }), "post[0]",
                {"receives 2 synapses", "take at most 1"});
}

TEST_CASE("quantise errors: weights of both signs into one channel of an unsigned-weight board",
          "[mapper][quantise]") {
    const ir::network net =
        flatten_text(into_post(one_synapse, projection("syn", weighted(1.0, -0.5))));
    CHECK_NOTHROW(sf::mapper::quantise(net, small_board({})));
    const sf::mapper::board board = small_board({{"weight_signed", "false"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, board); }), "post[0]",
                {"receives positive and negative weights", "board small has unsigned weights"});
    SECTION("spinn5") {
        check_error(error_of([&] { sf::mapper::quantise(net, sf::mapper::find_board("spinn5")); }),
                    "post[0]", {"positive and negative weights", "board spinn5"});
    }
    SECTION("all negative is fine: the channel carries the sign") {
        const ir::network negative =
            flatten_text(into_post(one_synapse, projection("syn", weighted(-1.0, -0.5))));
        const auto out = sf::mapper::quantise(negative, board);
        std::vector<std::int32_t> weights;
        sf::mapper::for_each_quantised(
            out, negative.connections,
            [&](const sf::mapper::quantised_connection& c) { weights.push_back(c.weight); });
        REQUIRE(weights.size() == 2);
        CHECK(out.groups[1].channel_unit.at(0) < 0.0);
        CHECK(weights[0] > 0);
        CHECK(weights[1] > 0);
    }
}

TEST_CASE("quantise errors: weight bits a synaptic word cannot carry", "[mapper][quantise]") {
    const ir::network net = flatten_text(driven_pair);
    const sf::mapper::board board = small_board({{"weight_bits", "20"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, board); }), "",
                {"board small has 20-bit weights", "1 to 16"});
}

// ---- what the instruction set cannot express
// ------------------------------------------------------

TEST_CASE("quantise errors: division by a variable whose range reaches zero",
          "[mapper][quantise]") {
    ir::network net = direct_network(4);
    const int r = add_variable(net, "r", ir::storage::neuron_constant, {1.0, 2.0, 3.0, 4.0});
    const int s = add_variable(net, "s", ir::storage::neuron_constant, {-1.0, -0.5, 0.5, 1.0});
    const int y = add_variable(net, "y", ir::storage::state, {0, 0, 0, 0}, true);
    assign(net, y, binary(ir::op::divide, ir::expr::variable(r), ir::expr::variable(s)));
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, small_board({})), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, small_board({})); }), "p[0..3]",
                {"divides by s", "range reaches zero", "no divider"});
    SECTION("a divisor that keeps its sign compiles") {
        net.groups[0].variables[static_cast<std::size_t>(s)].initial = {0.25, 0.5, 0.75, 1.0};
        CHECK_NOTHROW(sf::mapper::quantise(net, small_board({})));
    }
}

TEST_CASE("quantise errors: more than 16 lookup tables", "[mapper][quantise]") {
    ir::network net = direct_network(3);
    const int s = add_variable(net, "s", ir::storage::neuron_constant, {0.1, 0.5, 1.0});
    for (int k = 0; k < 17; ++k) {
        const int y =
            add_variable(net, "y" + std::to_string(k), ir::storage::state, {0, 0, 0}, true);
        assign(net, y,
               unary(ir::op::exp, binary(ir::op::multiply, ir::expr::constant(0.5 + 0.1 * k),
                                         ir::expr::variable(s))));
    }
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, small_board({})), compile_error);
    check_error(capacity_of("lookup tables", [&] { sf::mapper::quantise(net, small_board({})); }),
                "p[0..2]", {"more than 16 lookup tables"});
    SECTION("16 compile") {
        net.groups[0].step.pop_back();
        net.groups[0].variables.back().recorded = false;
        const auto out = sf::mapper::quantise(net, small_board({}));
        CHECK(out.groups[0].tables.size() == 16);
    }
}

TEST_CASE("quantise errors: an expression needing more than 15 registers", "[mapper][quantise]") {
    ir::network net = direct_network(3);
    add_variable(net, "s0", ir::storage::neuron_constant, {0.1, 0.5, 0.9});
    add_variable(net, "s1", ir::storage::neuron_constant, {0.2, 0.6, 1.0});
    const int y = add_variable(net, "y", ir::storage::state, {0, 0, 0}, true);
    assign(net, y, deep_tree(14, 0));
    const sf::mapper::board board = small_board({{"program_words", "1000000"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, board); }), "p[0..2]",
                {"an expression of y needs more than 15 registers"});
    SECTION("a shallower tree compiles") {
        net.groups[0].step.back().value = deep_tree(8, 0);
        CHECK_NOTHROW(sf::mapper::quantise(net, board));
    }
}

TEST_CASE("quantise errors: more than 1024 constants", "[mapper][quantise]") {
    ir::network net = direct_network(3);
    const int s0 = add_variable(net, "s0", ir::storage::neuron_constant, {0.1, 0.5, 0.9});
    const int s1 = add_variable(net, "s1", ir::storage::neuron_constant, {0.2, 0.6, 1.0});
    // 300 variables, each the sum of four products with constants of their own.
    for (int k = 0; k < 300; ++k) {
        const int y =
            add_variable(net, "y" + std::to_string(k), ir::storage::state, {0, 0, 0}, true);
        auto term = [&](int j, int v) {
            return binary(ir::op::multiply, ir::expr::constant(1.0 + 1e-4 * (4 * k + j)),
                          ir::expr::variable(v));
        };
        assign(net, y,
               binary(ir::op::add, binary(ir::op::add, term(0, s0), term(1, s1)),
                      binary(ir::op::add, term(2, s0),
                             binary(ir::op::multiply, term(3, s1), ir::expr::variable(s0)))));
    }
    const sf::mapper::board board =
        small_board({{"program_words", "1000000"}, {"state_words_per_neuron", "1024"}});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, board), compile_error);
    check_error(capacity_of("constants", [&] { sf::mapper::quantise(net, board); }), "p[0..2]",
                {"more than 1024 constants"});
}

TEST_CASE("quantise errors: a power that varies", "[mapper][quantise]") {
    ir::network net = direct_network(3);
    const int s0 = add_variable(net, "s0", ir::storage::neuron_constant, {0.1, 0.5, 0.9});
    const int s1 = add_variable(net, "s1", ir::storage::neuron_constant, {0.2, 0.6, 1.0});
    const int y = add_variable(net, "y", ir::storage::state, {0, 0, 0}, true);
    assign(net, y, binary(ir::op::power, ir::expr::variable(s0), ir::expr::variable(s1)));
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, small_board({})), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, small_board({})); }), "p[0..2]",
                {"raises to a power that varies", "s0 ^ s1"});
}

TEST_CASE("quantise errors: spikes on two output ports", "[mapper][quantise]") {
    ir::network net = direct_network(2);
    net.groups[0].outputs = {"spike", "burst"};
    const int s = add_variable(net, "s", ir::storage::neuron_constant, {0.0, 1.0});
    const int y = add_variable(net, "y", ir::storage::state, {0, 0}, true);
    assign(net, y, ir::expr::variable(s));
    net.groups[0].step.push_back(ir::statement{ir::statement_kind::emit, 0, {}, y});
    net.groups[0].step.push_back(ir::statement{ir::statement_kind::emit, 1, {}, y});
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, small_board({})), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, small_board({})); }), "p[0..1]",
                {"two output ports ('spike' and 'burst')"});
}

TEST_CASE("quantise errors: recording a synaptic input", "[mapper][quantise]") {
    ir::network net = direct_network(1);
    const int in = add_variable(net, "syn (input)", ir::storage::input, {0.0}, true);
    const int y = add_variable(net, "y", ir::storage::state, {0.0}, true);
    ir::input_channel channel;
    channel.name = "syn port in";
    channel.input = in;
    net.groups[0].inputs.push_back(channel);
    assign(net, y, binary(ir::op::add, ir::expr::variable(y), ir::expr::variable(in)));
    REQUIRE_THROWS_AS(sf::mapper::quantise(net, small_board({})), compile_error);
    check_error(error_of([&] { sf::mapper::quantise(net, small_board({})); }), "p[0..0]",
                {"records syn (input), a synaptic input"});
}
