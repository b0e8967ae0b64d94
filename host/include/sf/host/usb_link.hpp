#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include <sf/host/frame_link.hpp>
#include <sf/host/usb_url.hpp>

namespace sf::host {

// The USB device contract. A board speaks through interface 0 of its first configuration, which
// has a bulk OUT endpoint 0x01 (host to board) and a bulk IN endpoint 0x81 (board to host). Each
// frame is one bulk transfer of 1 to max_frame bytes: a frame shorter than max_frame whose size is
// a multiple of the endpoint's packet size is ended by a zero-length packet, in both directions,
// so that a transfer always ends where its frame ends. Zero-length transfers carry no frame.
struct usb_contract {
    static constexpr int interface = 0;
    static constexpr std::uint8_t endpoint_out = 0x01;
    static constexpr std::uint8_t endpoint_in = 0x81;
    static constexpr std::size_t max_frame = 4096;
};

struct usb_link_options {
    // IN transfers kept queued at the device, so that the board never waits for the host to
    // ask for the next frame.
    int in_transfers = 8;
    // Received frames held until receive() takes them; a frame that arrives when all are taken
    // is dropped and counted in frames_lost().
    std::size_t queue_frames = 1024;
    // How long send() waits for the board to take a frame.
    std::chrono::milliseconds send_timeout{1000};
};

// libusb's error codes (LIBUSB_ERROR_*), named by libusb and equivalent to the std::errc that
// says the same (LIBUSB_ERROR_TIMEOUT is std::errc::timed_out, ...).
const std::error_category& libusb_category();

// Frames as USB bulk transfers to one board (see usb_contract). IN transfers stay queued at the
// device and a thread of the link's own completes them into a bounded queue of received frames,
// as libcaer does for its cameras; send() waits until the board has taken the frame.
class usb_link final : public frame_link {
public:
    // Finds the device, claims its interface and starts receiving. On failure `why` says what
    // went wrong for a person to read; when no device matches it lists the USB devices found
    // (vid:pid, and the serial where it can be read).
    static expected<std::unique_ptr<usb_link>> open(const usb_address& address, std::string& why,
                                                    const usb_link_options& options = {});
    // Cancels the queued transfers and waits until none is left before the device is closed.
    ~usb_link() override;

    std::size_t max_frame() const override { return usb_contract::max_frame; }
    std::error_code send(const std::uint8_t* bytes, std::size_t size) override;
    // A frame larger than `capacity` is dropped and reported as std::errc::message_size. Once
    // the device is gone or its endpoint fails, the frames still queued are returned first and
    // then that error.
    expected<std::size_t> receive(std::uint8_t* buffer, std::size_t capacity,
                                  std::chrono::microseconds timeout) override;

    // Frames the board sent that were dropped because the receive queue was full.
    std::uint64_t frames_lost() const override;

private:
    struct state;
    explicit usb_link(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace sf::host
