#pragma once

#include <string>

#include <sf/lems/error.hpp>

namespace sf::mapper {

// A network the compiler cannot put on the board's cores: what() reads "population[cells]:
// what does not fit or cannot be expressed, the limit and the need".
class compile_error : public sf::error {
public:
    compile_error(std::string group, std::string message)
        : sf::error(group.empty() ? message : group + ": " + message), group_(std::move(group)),
          message_(std::move(message)) {}

    const std::string& group() const { return group_; }
    const std::string& message() const { return message_; }

private:
    std::string group_;
    std::string message_;
};

} // namespace sf::mapper
