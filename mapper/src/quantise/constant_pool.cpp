#include <sf/firmware/core_config.hpp>
#include <sf/firmware/isa.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/compile_error.hpp>

#include "constant_pool.hpp"
#include "statement_plan.hpp"

namespace sf::mapper::detail {

int constant_pool::index(std::int32_t raw) {
    if (const auto it = slot_.find(raw); it != slot_.end()) {
        return it->second;
    }
    if (static_cast<int>(words_.size()) > firmware::isa::max_constant) {
        throw capacity_error(
            label_, label_, "constants", words_.size() + 1, firmware::max_constants,
            "needs more than " + std::to_string(firmware::max_constants) + " constants");
    }
    const int index = static_cast<int>(words_.size());
    words_.push_back(raw);
    slot_[raw] = index;
    return index;
}

void constant_pool::record(const std::string& what, double value, const quantised_value& q,
                           fixed_format f) {
    const std::string key = what + "|" + std::to_string(value) + "|" + std::to_string(f.frac_bits);
    if (!recorded_.insert(key).second) {
        return;
    }
    parameter_entry p;
    p.name = what;
    p.value = value;
    p.quantised = q.value(f);
    p.format = f;
    p.saturated = q.saturated;
    p.underflowed = q.underflowed;
    if (q.saturated) {
        warnings_.push_back(what + " = " + number(value) + " saturates its format (largest " +
                            number(f.limit()) + ")");
    }
    if (q.underflowed) {
        warnings_.push_back(what + " = " + number(value) + " becomes 0 in its format (unit " +
                            number(f.unit()) + ")");
    }
    parameters_.push_back(p);
}

} // namespace sf::mapper::detail
