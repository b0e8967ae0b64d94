#pragma once

// SF_ASSERT(condition) guards what only a bug in spikeforge can break: an invariant of its own
// data, never a property of the user's input (bad input is reported by the error types of the
// library that reads it, or by status codes and counters in the firmware). A broken invariant
// stops the program at once with the file, the line and the invariant, and exit status 3, which
// no input problem uses.
//
// Hosted builds print to standard error. A board build (SF_FREESTANDING) calls
// sf::firmware::assertion_failed, which the board's start-up code provides.

namespace sf::firmware {

// The exit status of a program stopped by a broken invariant (0 ok, 1 failed run, 2 bad input).
constexpr int assertion_exit_status = 3;

[[noreturn]] void assertion_failed(const char* file, int line, const char* invariant);

} // namespace sf::firmware

#define SF_ASSERT(condition)                                                                       \
    ((condition) ? static_cast<void>(0)                                                            \
                 : ::sf::firmware::assertion_failed(__FILE__, __LINE__, #condition))

#ifndef SF_FREESTANDING
#include <cstdio>
#include <cstdlib>

namespace sf::firmware {

[[noreturn]] inline void assertion_failed(const char* file, int line, const char* invariant) {
    std::fprintf(
        stderr,
        "%s:%d: internal error: `%s` does not hold.\n"
        "This is a bug in spikeforge, not a problem with your input; please report it with "
        "the command and files that caused it.\n",
        file, line, invariant);
    std::fflush(stderr);
    std::_Exit(assertion_exit_status);
}

} // namespace sf::firmware
#endif
