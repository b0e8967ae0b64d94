#pragma once

#include <string>

#include <sf/lems/error.hpp>

namespace sf::mapper {

// A board description that cannot be used, or a board name that names none: what() reads
// "file:line: element: what was expected". The line is 0 when the problem is not at one line
// (a file that cannot be read, a board name, a join), and is then left out of the message.
class board_error : public sf::error {
public:
    board_error(std::string file, int line, std::string element, std::string message);

    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& element() const { return element_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    int line_;
    std::string element_;
    std::string message_;
};

} // namespace sf::mapper
