#include <algorithm>
#include <cmath>

#include <sf/firmware/core_config.hpp>
#include <sf/firmware/isa.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/compile_error.hpp>

#include "statement_plan.hpp"
#include "table_store.hpp"
#include "tables.hpp"

namespace sf::mapper::detail {

int table_store::samples_allowed() const {
    const std::int64_t per_table = table_words_ / sites_;
    return static_cast<int>(std::clamp<std::int64_t>(per_table, 3, 65537));
}

int table_store::index(const std::function<double(double)>& function, fixed_format input,
                       double low, double high, fixed_format output, const std::string& text,
                       const std::string& input_name) {
    const std::string key = text + "|" + std::to_string(input.frac_bits) + "|" +
                            std::to_string(low) + "|" + std::to_string(high) + "|" +
                            std::to_string(output.frac_bits);
    if (const auto it = index_.find(key); it != index_.end()) {
        return it->second;
    }
    if (static_cast<int>(tables_.size()) > firmware::isa::max_table) {
        throw capacity_error(
            label_, label_, "lookup tables", tables_.size() + 1, firmware::max_tables,
            "needs more than " + std::to_string(firmware::max_tables) + " lookup tables for its " +
                std::to_string(sites_) + " non-linear terms (the last: " + text + ")");
    }
    table_request request;
    request.function = function;
    request.input = input;
    request.low = low;
    request.high = high;
    request.output = output;
    request.max_samples = samples_allowed();
    built_table built = build_table(request);
    table_entry entry;
    entry.function = text;
    entry.input = input_name;
    entry.low = low;
    entry.high = high;
    entry.samples = static_cast<int>(built.image.samples.size());
    entry.max_error = built.max_error;
    entry.output_range = built.output_range;
    entry.clamped_samples = built.clamped_samples;
    if (built.clamped_samples > 0) {
        warnings_.push_back("table of " + text + ": " + std::to_string(built.clamped_samples) +
                            " samples beyond the output format (largest " + number(output.limit()) +
                            ") are clamped");
    }
    entries_.push_back(entry);
    const int index = static_cast<int>(tables_.size());
    tables_.push_back(std::move(built.image));
    index_[key] = index;
    return index;
}

void widen(double seen_low, double seen_high, fixed_format input, double& low, double& high) {
    const double width = seen_high - seen_low;
    const double margin =
        width > 0.0 ? 0.1 * width : std::max(std::fabs(seen_low) * 0.1, input.unit());
    low = seen_low - margin;
    high = seen_high + margin;
    if (seen_low > 0.0 && low <= 0.0) {
        low = seen_low / 2.0;
    }
    if (seen_high < 0.0 && high >= 0.0) {
        high = seen_high / 2.0;
    }
}

} // namespace sf::mapper::detail
