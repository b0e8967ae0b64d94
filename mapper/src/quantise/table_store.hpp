#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sf/mapper/fixed_format.hpp>
#include <sf/mapper/quantisation_report.hpp>
#include <sf/mapper/quantise.hpp>

// A core's lookup tables as a program fills them: one table per function, input format, range
// and output format, its samples within the share of table memory each non-linear term gets.
namespace sf::mapper::detail {

class table_store {
public:
    // `sites`: the non-linear terms sharing `table_words` of memory. Tables go to `tables`,
    // their reports to `entries`, clamping warnings to `warnings`; errors name the group `label`.
    table_store(std::string label, int sites, std::int64_t table_words,
                std::vector<table_image>& tables, std::vector<table_entry>& entries,
                std::vector<std::string>& warnings)
        : label_(std::move(label)), sites_(sites), table_words_(table_words), tables_(tables),
          entries_(entries), warnings_(warnings) {}

    // The index of the table of `function` over [low, high] in format `input`, into format
    // `output`; built when new. `text` names the function, `input_name` its input. Throws
    // compile_error past the core's 16 tables.
    int index(const std::function<double(double)>& function, fixed_format input, double low,
              double high, fixed_format output, const std::string& text,
              const std::string& input_name);

private:
    int samples_allowed() const;

    std::string label_;
    int sites_;
    std::int64_t table_words_;
    std::vector<table_image>& tables_;
    std::vector<table_entry>& entries_;
    std::vector<std::string>& warnings_;
    std::map<std::string, int> index_;
};

// A table's input range: what was seen, 10 % wider on each side, but never across zero from
// a side that did not reach it (log, sqrt and reciprocals are not defined there).
void widen(double seen_low, double seen_high, fixed_format input, double& low, double& high);

} // namespace sf::mapper::detail
