#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <umockdev.h>

// One USB board emulated by umockdev for as long as the object lives: a device 1209:5346 with
// serial "SF0001" and the interface and bulk endpoints of sf::host::usb_contract, whose ioctl
// handler answers each frame sent to the OUT endpoint on the IN endpoint: with the frame's bytes
// inverted, or with the frames a responder (a board) writes for it. Create it before the link opens
// (libusb reads the emulated bus when it starts) and destroy it after the link is closed.
namespace sf::test {

class usb_echo_device {
public:
    static constexpr std::uint16_t vid = 0x1209;
    static constexpr std::uint16_t pid = 0x5346;
    static constexpr const char* serial = "SF0001";

    // Appends the frames that answer one received frame.
    using responder = std::function<void(const std::uint8_t* frame, std::size_t size,
                                         std::vector<std::vector<std::uint8_t>>& answers)>;

    // `speaks_contract` false gives the same device without its bulk endpoints; without a
    // responder every frame is answered by its bytes inverted.
    explicit usb_echo_device(bool speaks_contract = true, responder respond = {});
    ~usb_echo_device();
    usb_echo_device(const usb_echo_device&) = delete;
    usb_echo_device& operator=(const usb_echo_device&) = delete;

    // Sizes of the frames the device took, in order, and whether each asked for a zero-length
    // packet after it.
    std::vector<std::size_t> frames_taken() const;
    std::vector<bool> zero_packets_asked() const;

    // From now on OUT transfers are held and never finished, as by a board that has stopped
    // reading, until they are cancelled.
    void stop_reading();
    // The device is gone: waiting IN transfers end with ENODEV and new ones are refused.
    void unplug();

private:
    static gboolean on_ioctl(UMockdevIoctlBase* handler, UMockdevIoctlClient* client,
                             gpointer self);
    bool handle(UMockdevIoctlClient* client);
    void submit(UMockdevIoctlClient* client);
    void answer(const std::uint8_t* frame, std::size_t size);
    void reap(UMockdevIoctlClient* client);
    void discard(UMockdevIoctlClient* client);
    std::vector<std::uint8_t> control_answer(const std::uint8_t* setup) const;

    responder respond_;
    UMockdevTestbed* testbed_ = nullptr;
    UMockdevIoctlBase* handler_ = nullptr;

    // umockdev calls the handler on a thread of its own; the test reads what it recorded.
    mutable std::mutex mutex_;
    std::deque<UMockdevIoctlData*> waiting_in_;    // IN URBs waiting for a frame
    std::deque<UMockdevIoctlData*> finished_;      // OUT and control URBs done, to be reaped
    std::deque<UMockdevIoctlData*> held_out_;      // OUT URBs the device does not read
    std::deque<UMockdevIoctlData*> discarded_;     // cancelled URBs, to be reaped as such
    std::deque<std::vector<std::uint8_t>> echoes_; // frames to send on the IN endpoint
    std::vector<std::size_t> frames_taken_;
    std::vector<bool> zero_packets_asked_;
    bool reading_ = true;
    bool unplugged_ = false;
};

} // namespace sf::test
