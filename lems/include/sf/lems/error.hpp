#pragma once

#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace sf {

// Root of every error a user can cause with bad input; what() is the full message.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace sf

namespace sf::lems {

// Where in the user's files something was found. File names are interned once per process, so
// that the millions of elements of a large network share one copy of their file's name.
struct source_location {
    std::string_view file;
    int line = 0;

    source_location() = default;
    source_location(std::string_view file_name, int line_number)
        : file(intern(file_name)), line(line_number) {}

    std::string str() const {
        return line > 0 ? std::string(file) + ":" + std::to_string(line) : std::string(file);
    }

private:
    static std::string_view intern(std::string_view name) {
        static std::mutex guard;
        static std::unordered_set<std::string> names; // never shrinks: elements are stable
        const std::lock_guard<std::mutex> lock(guard);
        return *names.emplace(name).first;
    }
};

// A problem in a model file: what() reads "file:line: <element>: message".
class parse_error : public sf::error {
public:
    parse_error(source_location where, std::string element, std::string message)
        : sf::error(format(where, element, message)), where_(std::move(where)),
          element_(std::move(element)), message_(std::move(message)) {}

    const source_location& where() const { return where_; }
    const std::string& element() const { return element_; }
    const std::string& message() const { return message_; }

private:
    static std::string format(const source_location& where, const std::string& element,
                              const std::string& message) {
        std::string text = where.str();
        if (!element.empty()) {
            text += (text.empty() ? "" : ": ") + element;
        }
        return text + (text.empty() ? "" : ": ") + message;
    }

    source_location where_;
    std::string element_;
    std::string message_;
};

// A problem inside one expression or quantity string, without knowledge of the file it came from.
// `column` is the 0-based offset into the text where the problem was seen (-1 when unknown).
// The loader catches it and rethrows a parse_error with the file and line.
class expression_error : public sf::error {
public:
    expression_error(std::string message, int column = -1)
        : sf::error(std::move(message)), column_(column) {}

    int column() const { return column_; }

private:
    int column_;
};

// A problem found while running a simulation (NaN, runaway state, file that cannot be written).
class simulation_error : public sf::error {
public:
    using sf::error::error;
};

} // namespace sf::lems
