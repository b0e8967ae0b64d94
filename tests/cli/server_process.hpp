#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

// `spikeforge serve` (or any program) started as a child process for one test: its output is
// read until it says where it listens, and it is stopped (SIGTERM, then SIGKILL after a bound)
// when the object goes.
namespace sf_test {

class server_process {
public:
    // Starts `program` with `arguments` and, when `wait_for_url`, waits (at most 20 s) for a
    // line of its output that contains "udp://"; the URL is what follows up to the next blank.
    server_process(const std::string& program, const std::vector<std::string>& arguments,
                   bool wait_for_url = true);
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    const std::string& url() const { return url_; }
    // Everything it printed so far (reads what is waiting without blocking).
    const std::string& output();
    // Sends `signal` and waits for it to end; returns its exit status (-1 when killed by a
    // signal it did not handle).
    int stop(int signal);
    // Kills it at once, as a crash would.
    void kill_now();
    // Waits (at most `seconds`) for it to end by itself; its exit status, or -2 when it did not.
    int wait(double seconds);

private:
    void read_available(int timeout_ms);

    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string output_;
    std::string url_;
};

} // namespace sf_test
