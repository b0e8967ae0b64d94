#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <libusb.h>

#include <sf/host/usb_link.hpp>

#include "libusb_error.hpp"
#include "usb_device_search.hpp"

namespace sf::host {

namespace {

struct context_deleter {
    void operator()(libusb_context* context) const { libusb_exit(context); }
};
struct handle_deleter {
    void operator()(libusb_device_handle* handle) const { libusb_close(handle); }
};
struct transfer_deleter {
    void operator()(libusb_transfer* transfer) const { libusb_free_transfer(transfer); }
};

using context_ptr = std::unique_ptr<libusb_context, context_deleter>;
using handle_ptr = std::unique_ptr<libusb_device_handle, handle_deleter>;
using transfer_ptr = std::unique_ptr<libusb_transfer, transfer_deleter>;

// Received frames in slots of max_frame bytes, oldest first; the owner holds the lock.
class frame_queue {
public:
    explicit frame_queue(std::size_t frames)
        : bytes_(frames * usb_contract::max_frame), sizes_(frames) {}

    bool empty() const { return count_ == 0; }
    // False when the queue is full and the frame was not kept.
    bool push(const std::uint8_t* bytes, std::size_t size) {
        if (count_ == sizes_.size()) {
            return false;
        }
        const std::size_t slot = (head_ + count_) % sizes_.size();
        std::memcpy(&bytes_[slot * usb_contract::max_frame], bytes, size);
        sizes_[slot] = size;
        ++count_;
        return true;
    }
    // The oldest frame into `buffer`; its size, or std::errc::message_size when it does not
    // fit (it is dropped either way).
    expected<std::size_t> pop(std::uint8_t* buffer, std::size_t capacity) {
        const std::size_t size = sizes_[head_];
        const std::uint8_t* bytes = &bytes_[head_ * usb_contract::max_frame];
        head_ = (head_ + 1) % sizes_.size();
        --count_;
        if (size > capacity) {
            return std::make_error_code(std::errc::message_size);
        }
        std::memcpy(buffer, bytes, size);
        return size;
    }

private:
    std::vector<std::uint8_t> bytes_;
    std::vector<std::size_t> sizes_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

} // namespace

struct usb_link::state {
    state(context_ptr c, handle_ptr h, const usb_link_options& options)
        : context(std::move(c)), handle(std::move(h)), send_timeout(options.send_timeout),
          queue(options.queue_frames) {}

    static void LIBUSB_CALL on_in_done(libusb_transfer* transfer) {
        static_cast<state*>(transfer->user_data)->in_done(transfer);
    }
    static void LIBUSB_CALL on_out_done(libusb_transfer* transfer) {
        auto* s = static_cast<state*>(transfer->user_data);
        std::lock_guard<std::mutex> lock(s->mutex);
        s->out_done = true;
        s->changed.notify_all();
    }

    // Runs on the event thread for every IN transfer that ends: keeps the frame and puts the
    // transfer straight back, so the device always has somewhere to send.
    void in_done(libusb_transfer* transfer) {
        std::error_code error = transfer_error(transfer->status);
        if (!error && transfer->actual_length > 0) {
            std::lock_guard<std::mutex> lock(mutex);
            if (queue.push(transfer->buffer, static_cast<std::size_t>(transfer->actual_length))) {
                changed.notify_all();
            } else {
                ++lost;
            }
        }
        if (!error) {
            std::lock_guard<std::mutex> lock(submit_mutex);
            if (closing) {
                error = make_libusb_error(LIBUSB_ERROR_INTERRUPTED);
            } else if (const int failed = libusb_submit_transfer(transfer); failed != 0) {
                error = make_libusb_error(failed);
            } else {
                return;
            }
        }
        bool stopping = false;
        {
            std::lock_guard<std::mutex> lock(submit_mutex);
            stopping = closing;
        }
        // The link's own cancellation is not an error; anything else ends the link.
        std::lock_guard<std::mutex> lock(mutex);
        if (!stopping) {
            link_error = error;
        }
        --active_in;
        changed.notify_all();
    }

    std::error_code start(int in_transfers, std::string& why) {
        for (int i = 0; i < in_transfers; ++i) {
            in.emplace_back(libusb_alloc_transfer(0));
            in_buffers.emplace_back(usb_contract::max_frame);
            libusb_fill_bulk_transfer(
                in.back().get(), handle.get(), usb_contract::endpoint_in, in_buffers.back().data(),
                static_cast<int>(usb_contract::max_frame), on_in_done, this, 0);
        }
        out.reset(libusb_alloc_transfer(0));
        events = std::thread([this] { handle_events(); });
        for (auto& transfer : in) {
            std::lock_guard<std::mutex> lock(mutex);
            if (const int error = libusb_submit_transfer(transfer.get()); error != 0) {
                why = "cannot queue a USB IN transfer: " + make_libusb_error(error).message();
                return make_libusb_error(error);
            }
            ++active_in;
        }
        return {};
    }

    void handle_events() {
        while (!stop_events.load()) {
            // The timeout bounds how long stopping waits for this thread.
            timeval tick{0, 10000};
            libusb_handle_events_timeout_completed(context.get(), &tick, nullptr);
        }
    }

    // Cancels every IN transfer, waits until all have ended, then stops the event thread.
    void stop() {
        {
            std::lock_guard<std::mutex> lock(submit_mutex);
            closing = true;
            for (auto& transfer : in) {
                libusb_cancel_transfer(transfer.get());
            }
        }
        {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [this] { return active_in == 0; });
        }
        stop_events = true;
        if (events.joinable()) {
            events.join();
        }
    }

    context_ptr context;
    handle_ptr handle;
    std::vector<transfer_ptr> in;
    std::vector<std::vector<std::uint8_t>> in_buffers;
    transfer_ptr out;
    std::uint16_t out_packet = 512;
    std::chrono::milliseconds send_timeout;
    bool claimed = false;
    std::thread events;
    std::atomic<bool> stop_events{false};

    // Guards resubmission against cancellation, so that no transfer is resubmitted after
    // stop() has cancelled the others.
    std::mutex submit_mutex;
    bool closing = false;

    std::mutex send_mutex;
    std::mutex mutex;
    std::condition_variable changed;
    frame_queue queue;
    std::uint64_t lost = 0;
    int active_in = 0;
    bool out_done = false;
    std::error_code link_error;
};

usb_link::usb_link(std::unique_ptr<state> s) : state_(std::move(s)) {}

usb_link::~usb_link() {
    state_->stop();
    if (state_->claimed) {
        libusb_release_interface(state_->handle.get(), usb_contract::interface);
    }
}

expected<std::unique_ptr<usb_link>> usb_link::open(const usb_address& address, std::string& why,
                                                   const usb_link_options& options) {
    if (options.in_transfers < 1 || options.queue_frames < 1) {
        why = "a USB link needs at least one IN transfer and room for one received frame";
        return std::make_error_code(std::errc::invalid_argument);
    }
    libusb_context* raw_context = nullptr;
    if (const int error = libusb_init(&raw_context); error != 0) {
        why = "cannot start libusb: " + make_libusb_error(error).message();
        return make_libusb_error(error);
    }
    context_ptr context(raw_context);
    auto device = open_matching_device(context.get(), address, why);
    if (!device) {
        return device.error();
    }
    handle_ptr handle(device.value());
    if (const auto error = check_contract(handle.get(), why)) {
        return error;
    }
    if (const int error = libusb_claim_interface(handle.get(), usb_contract::interface)) {
        why = "cannot claim interface 0 of the USB device at " + to_url(address) + ": " +
              make_libusb_error(error).message();
        return make_libusb_error(error);
    }
    const int packet =
        libusb_get_max_packet_size(libusb_get_device(handle.get()), usb_contract::endpoint_out);
    auto s = std::make_unique<state>(std::move(context), std::move(handle), options);
    s->claimed = true;
    if (packet > 0) {
        s->out_packet = static_cast<std::uint16_t>(packet);
    }
    // From here the link owns the device: a failure to start is cleaned up by its destructor.
    std::unique_ptr<usb_link> link(new usb_link(std::move(s)));
    if (const auto error = link->state_->start(options.in_transfers, why)) {
        return error;
    }
    return link;
}

std::error_code usb_link::send(const std::uint8_t* bytes, std::size_t size) {
    if (size == 0 || size > usb_contract::max_frame) {
        return std::make_error_code(std::errc::message_size);
    }
    state& s = *state_;
    std::lock_guard<std::mutex> one_at_a_time(s.send_mutex);
    libusb_transfer* out = s.out.get();
    // libusb only reads an OUT buffer, and the frame outlives the transfer: no copy needed.
    libusb_fill_bulk_transfer(out, s.handle.get(), usb_contract::endpoint_out,
                              const_cast<std::uint8_t*>(bytes), static_cast<int>(size),
                              state::on_out_done, &s,
                              static_cast<unsigned>(s.send_timeout.count()));
    const bool needs_end = size < usb_contract::max_frame && size % s.out_packet == 0;
    out->flags = needs_end ? LIBUSB_TRANSFER_ADD_ZERO_PACKET : 0;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.out_done = false;
    }
    if (const int error = libusb_submit_transfer(out); error != 0) {
        return make_libusb_error(error);
    }
    // The transfer's own timeout ends it, so this wait is bounded.
    std::unique_lock<std::mutex> lock(s.mutex);
    s.changed.wait(lock, [&s] { return s.out_done; });
    return transfer_error(out->status);
}

expected<std::size_t> usb_link::receive(std::uint8_t* buffer, std::size_t capacity,
                                        std::chrono::microseconds timeout) {
    state& s = *state_;
    std::unique_lock<std::mutex> lock(s.mutex);
    s.changed.wait_for(lock, timeout, [&s] { return !s.queue.empty() || s.link_error; });
    if (!s.queue.empty()) {
        return s.queue.pop(buffer, capacity);
    }
    if (s.link_error) {
        return s.link_error;
    }
    return std::make_error_code(std::errc::timed_out);
}

std::uint64_t usb_link::frames_lost() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->lost;
}

} // namespace sf::host
