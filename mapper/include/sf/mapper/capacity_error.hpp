#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <sf/mapper/compile_error.hpp>

namespace sf::mapper {

// A network that needs more of something than the board has: `element` (the population, core,
// chip, board or network concerned) needs `needed` of `limit` ("neurons per core", "routing table
// entries", "fan-in"...) and `available` are there. what() reads as compile_error's, the message
// naming the element, the need and the limit.
class capacity_error : public compile_error {
public:
    capacity_error(std::string group, std::string element, std::string limit, std::uint64_t needed,
                   std::uint64_t available, std::string message)
        : compile_error(std::move(group), std::move(message)), element_(std::move(element)),
          limit_(std::move(limit)), needed_(needed), available_(available) {}

    const std::string& element() const { return element_; }
    const std::string& limit() const { return limit_; }
    std::uint64_t needed() const { return needed_; }
    std::uint64_t available() const { return available_; }

private:
    std::string element_;
    std::string limit_;
    std::uint64_t needed_;
    std::uint64_t available_;
};

} // namespace sf::mapper
