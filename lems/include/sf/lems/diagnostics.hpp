#pragma once

#include <string>
#include <vector>

#include <sf/lems/error.hpp>

namespace sf::lems {

// Problems found in a model. Loading collects as many as it can before giving up, so that a user
// sees every problem of a file in one run.
class diagnostics {
public:
    void add(parse_error problem) { problems_.push_back(std::move(problem)); }
    // Something questionable that does not stop the model from running, such as a dimensional
    // inconsistency inside a library of definitions found on the include path.
    void warn(parse_error problem) { warnings_.push_back(std::move(problem)); }
    const std::vector<parse_error>& warnings() const { return warnings_; }
    bool empty() const { return problems_.empty(); }
    std::size_t size() const { return problems_.size(); }
    const std::vector<parse_error>& problems() const { return problems_; }

    // Throws the first problem, if any.
    void throw_if_any() const {
        if (!problems_.empty()) {
            throw problems_.front();
        }
    }

private:
    std::vector<parse_error> problems_;
    std::vector<parse_error> warnings_;
};

} // namespace sf::lems
