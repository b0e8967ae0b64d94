// The progress line's text and timing, against a string stream and a clock the test sets.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "progress_line.hpp"

using sf::cli::progress_line;
using sf::lems::progress_report;

namespace {

struct fake_clock {
    double now = 100.0;
    progress_line::clock function() {
        return [this] { return now; };
    }
};

progress_report running(std::uint64_t done, std::uint64_t total = 20000) {
    return {"running", done, total, "steps"};
}

} // namespace

TEST_CASE("progress line: the text of a phase, its count, percent and time left",
          "[cli][progress]") {
    CHECK(progress_line::describe({"placing", 0, 0, {}}, 3.0, 0) == "placing");
    CHECK(progress_line::describe(running(12300), 0.1, 0) == "running 12,300/20,000 steps, 61%");
    // 12,300 steps in 12.3 s: 7,700 left at 1,000 a second.
    CHECK(progress_line::describe(running(12300), 12.3, 0) ==
          "running 12,300/20,000 steps, 61%, about 8 s left");
    CHECK(progress_line::describe(running(500, 1000000), 1.0, 0) ==
          "running 500/1,000,000 steps, 0%, about 33 min 19 s left");
    CHECK(progress_line::describe(running(1, 100000000), 1.0, 0) ==
          "running 1/100,000,000 steps, 0%, about 27777 h 46 min left");
    CHECK(progress_line::describe({"routing", 3, 4, {}}, 0.1, 0) == "routing 75%");
    // Only the phase's own work counts towards the estimate.
    CHECK(progress_line::describe(running(12000, 20000), 2.0, 10000) ==
          "running 12,000/20,000 steps, 60%, about 8 s left");
}

TEST_CASE("progress line: blank for half a second, redrawn at most five times a second, cleared",
          "[cli][progress]") {
    std::ostringstream out;
    fake_clock clock;
    {
        progress_line line(out, true, clock.function());
        line.update(running(0));
        clock.now += 0.4;
        line.update(running(256));
        CHECK(out.str().empty()); // a short job shows nothing
        clock.now += 0.2;
        line.update(running(512));
        CHECK(out.str() == "\rrunning 512/20,000 steps, 2%, about 23 s left");
        out.str("");
        clock.now += 0.1;
        line.update(running(768));
        CHECK(out.str().empty()); // too soon after the last
        clock.now += 0.15;
        line.update(running(1024));
        CHECK(out.str() == "\rrunning 1,024/20,000 steps, 5%, about 16 s left");
        out.str("");
        // A new phase shows at once; the longer text before it is covered with spaces.
        line.update({"writing", 0, 0, {}});
        const std::string before = "running 1,024/20,000 steps, 5%, about 16 s left";
        const std::string covered(before.size() - std::string("writing").size(), ' ');
        CHECK(out.str() == "\rwriting" + covered + std::string(covered.size(), '\b'));
        out.str("");
        // Finished: the line is cleared before the results are printed.
        line.update({{}, 0, 0, {}});
        CHECK(out.str() == "\r" + std::string(7, ' ') + "\r");
        out.str("");
    }
    CHECK(out.str().empty()); // nothing left to clear when it goes
}

TEST_CASE("progress line: cleared when it goes with text still shown", "[cli][progress]") {
    std::ostringstream out;
    fake_clock clock;
    {
        progress_line line(out, true, clock.function());
        clock.now += 1.0;
        line.update({"placing", 0, 0, {}});
        CHECK(out.str() == "\rplacing");
    }
    CHECK(out.str() == "\rplacing\r" + std::string(7, ' ') + "\r");
}

TEST_CASE("progress line: when not enabled, no callback and no bytes", "[cli][progress]") {
    std::ostringstream out;
    fake_clock clock;
    progress_line line(out, false, clock.function());
    CHECK_FALSE(line.callback());
    clock.now += 5.0;
    line.update(running(100));
    line.clear();
    CHECK(out.str().empty());
}
