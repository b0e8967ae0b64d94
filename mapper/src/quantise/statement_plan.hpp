#pragma once

#include <string>
#include <vector>

#include <sf/lems/network_ir.hpp>

// Where each value of a statement comes from: which variable (or the time) a subtree reads, and
// which subtrees become one lookup table.
namespace sf::mapper::detail {

constexpr int no_leaf = -1;
constexpr int time_leaf = -2;
constexpr int many_leaves = -3;

// Operations the datapath has no unit for: they become lookup tables.
bool needs_table(const lems::ir::node& n, const lems::ir::expr& e);

struct statement_plan {
    std::vector<int> parent;
    std::vector<int> leaf;       // the one variable (or time) a subtree reads, no_leaf, many_leaves
    std::vector<bool> nonlinear; // the subtree holds an operation that needs a table
    std::vector<bool> table_root;
};

statement_plan plan_statement(const lems::ir::expr& e);

// The distinct non-linear terms of the live statements (at least 1): the tables the core's
// table memory is shared among.
int count_table_sites(const lems::ir::neuron_group& group,
                      const std::vector<lems::ir::statement>& step, const std::vector<bool>& live);

// An expression as infix text with the group's variable names, for comments and reports.
std::string infix(const lems::ir::expr& e, int node, const lems::ir::neuron_group& group);

// A number as the reports print it: six significant digits.
std::string number(double x);

} // namespace sf::mapper::detail
