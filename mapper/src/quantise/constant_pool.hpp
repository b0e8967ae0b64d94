#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sf/mapper/fixed_format.hpp>
#include <sf/mapper/quantisation_report.hpp>

// A core's constant memory as a program fills it, and the report of every constant rounded
// into its format.
namespace sf::mapper::detail {

class constant_pool {
public:
    // Reports go to `parameters`, saturation and underflow warnings to `warnings`; errors name
    // the group `label`.
    constant_pool(std::string label, std::vector<parameter_entry>& parameters,
                  std::vector<std::string>& warnings)
        : label_(std::move(label)), parameters_(parameters), warnings_(warnings) {}

    // The word holding `raw`, added when new. Throws compile_error past the core's 1024.
    int index(std::int32_t raw);

    // Reports `what` = value rounded into f (once per name, value and format).
    void record(const std::string& what, double value, const quantised_value& q, fixed_format f);

    const std::vector<std::int32_t>& words() const { return words_; }

private:
    std::string label_;
    std::vector<parameter_entry>& parameters_;
    std::vector<std::string>& warnings_;
    std::vector<std::int32_t> words_;
    std::map<std::int32_t, int> slot_;
    std::set<std::string> recorded_;
};

} // namespace sf::mapper::detail
