#include <poll.h>

#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include <boost/asio.hpp>

#include "fault_proxy.hpp"

namespace sf::test {

namespace asio = boost::asio;
using asio::ip::udp;
using clock_type = std::chrono::steady_clock;

namespace {

struct datagram {
    std::vector<std::uint8_t> bytes;
    bool to_server = true;
    clock_type::time_point due{};
};

} // namespace

struct fault_proxy::state {
    asio::io_context io;
    udp::socket front{io}; // the host's side
    udp::socket back{io};  // the server's side
    std::optional<udp::endpoint> host;
    fault_rates rates;
    std::mt19937 random;
    std::uniform_real_distribution<double> chance{0.0, 1.0};
    std::optional<datagram> held[2]; // reordered, per direction
    std::deque<datagram> delayed;
    mutable std::mutex guard;
    fault_counts counts;
    std::atomic<bool> running{true};

    bool happens(double rate) { return rate > 0.0 && chance(random) < rate; }

    void transmit(const datagram& d) {
        boost::system::error_code ignored;
        if (d.to_server) {
            back.send(asio::buffer(d.bytes), 0, ignored);
        } else if (host) {
            front.send_to(asio::buffer(d.bytes), *host, 0, ignored);
        }
        ++counts.forwarded;
    }

    void forward(datagram d) {
        const std::lock_guard<std::mutex> lock(guard);
        ++counts.received;
        if (happens(rates.drop)) {
            ++counts.dropped;
            return;
        }
        if (happens(rates.corrupt) && !d.bytes.empty()) {
            d.bytes[random() % d.bytes.size()] ^= static_cast<std::uint8_t>(1u << (random() % 8));
            ++counts.corrupted;
        }
        const int way = d.to_server ? 0 : 1;
        if (happens(rates.delay)) {
            ++counts.delayed;
            d.due = clock_type::now() + rates.delay_by;
            delayed.push_back(std::move(d));
            return;
        }
        if (!held[way] && happens(rates.reorder)) {
            ++counts.reordered;
            held[way] = std::move(d);
            return;
        }
        if (happens(rates.duplicate)) {
            ++counts.duplicated;
            transmit(d);
        }
        transmit(d);
        if (held[way]) {
            transmit(*held[way]);
            held[way].reset();
        }
    }

    void flush_due() {
        const std::lock_guard<std::mutex> lock(guard);
        const auto now = clock_type::now();
        while (!delayed.empty() && delayed.front().due <= now) {
            transmit(delayed.front());
            delayed.pop_front();
        }
    }

    void relay() {
        std::vector<std::uint8_t> buffer(65536);
        while (running.load()) {
            pollfd ready[2] = {{front.native_handle(), POLLIN, 0},
                               {back.native_handle(), POLLIN, 0}};
            ::poll(ready, 2, 1);
            boost::system::error_code error;
            if ((ready[0].revents & POLLIN) != 0) {
                udp::endpoint from;
                const std::size_t n = front.receive_from(asio::buffer(buffer), from, 0, error);
                if (!error) {
                    host = from;
                    forward({{buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)},
                             true,
                             {}});
                }
            }
            if ((ready[1].revents & POLLIN) != 0) {
                const std::size_t n = back.receive(asio::buffer(buffer), 0, error);
                if (!error) {
                    forward({{buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)},
                             false,
                             {}});
                }
            }
            flush_due();
        }
    }
};

fault_proxy::fault_proxy(std::uint16_t server_port, fault_rates rates, std::uint32_t seed)
    : state_(std::make_unique<state>()) {
    state_->rates = rates;
    state_->random.seed(seed);
    const auto loopback = asio::ip::make_address("127.0.0.1");
    state_->front.open(udp::v4());
    state_->front.bind(udp::endpoint(loopback, 0));
    state_->front.non_blocking(true);
    state_->back.open(udp::v4());
    state_->back.connect(udp::endpoint(loopback, server_port));
    state_->back.non_blocking(true);
    relay_ = std::thread([s = state_.get()] { s->relay(); });
}

fault_proxy::~fault_proxy() { stop(); }

void fault_proxy::stop() {
    state_->running = false;
    if (relay_.joinable()) {
        relay_.join();
    }
}

std::uint16_t fault_proxy::port() const { return state_->front.local_endpoint().port(); }

fault_counts fault_proxy::counts() const {
    const std::lock_guard<std::mutex> lock(state_->guard);
    return state_->counts;
}

} // namespace sf::test
