#include <utility>

#include <sf/mapper/board_error.hpp>

namespace sf::mapper {
namespace {

std::string format(const std::string& file, int line, const std::string& element,
                   const std::string& message) {
    std::string text = file;
    if (line > 0) {
        text += ":" + std::to_string(line);
    }
    if (!element.empty()) {
        text += (text.empty() ? "" : ": ") + element;
    }
    return text + (text.empty() ? "" : ": ") + message;
}

} // namespace

board_error::board_error(std::string file, int line, std::string element, std::string message)
    : sf::error(format(file, line, element, message)), file_(std::move(file)), line_(line),
      element_(std::move(element)), message_(std::move(message)) {}

} // namespace sf::mapper
