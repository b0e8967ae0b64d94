#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <sys/prctl.h>

#include <catch2/catch.hpp>

#include "usb_echo_device.hpp"

namespace sf::test {

namespace {

// Device, configuration, interface 0 (vendor class) and the two bulk endpoints of 512 bytes.
constexpr const char* device_record_head = "P: /devices/usb1\n"
                                           "N: bus/usb/001/001\n"
                                           "E: SUBSYSTEM=usb\n"
                                           "E: DRIVER=usb\n"
                                           "E: BUSNUM=001\n"
                                           "E: DEVNUM=001\n"
                                           "E: DEVNAME=/dev/bus/usb/001/001\n"
                                           "E: DEVTYPE=usb_device\n"
                                           "A: busnum=1\\n\n"
                                           "A: devnum=1\\n\n"
                                           "A: bConfigurationValue=1\\n\n"
                                           "A: speed=480\\n\n"
                                           "H: descriptors=120100020000004009124653000101020301";
constexpr const char* board_configuration = "0902200001010080320904000002ff000000"
                                            "07050102000200"
                                            "07058102000200\n";
constexpr const char* configuration_without_endpoints = "0902120001010080320904000000ff000000\n";

constexpr std::uint8_t get_descriptor = 6;
constexpr std::uint8_t string_descriptor = 3;

UMockdevIoctlData* resolve_urb(UMockdevIoctlData* arg) {
    return umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
}

usbdevfs_urb& urb_of(UMockdevIoctlData* urb_data) {
    return *reinterpret_cast<usbdevfs_urb*>(urb_data->data);
}

} // namespace

usb_echo_device::usb_echo_device(bool speaks_contract, responder respond)
    : respond_(std::move(respond)) {
    // Emulated ioctls wait on timers; the default 50 µs slack makes each cost more than twice
    // as much. Threads started from here on inherit it.
    prctl(PR_SET_TIMERSLACK, 1);
    testbed_ = umockdev_testbed_new();
    handler_ = umockdev_ioctl_base_new();
    g_signal_connect_after(handler_, "handle-ioctl", G_CALLBACK(on_ioctl), this);
    REQUIRE(umockdev_testbed_attach_ioctl(testbed_, "/dev/bus/usb/001/001", handler_, nullptr));
    const std::string record =
        std::string(device_record_head) +
        (speaks_contract ? board_configuration : configuration_without_endpoints);
    REQUIRE(umockdev_testbed_add_from_string(testbed_, record.c_str(), nullptr));
}

usb_echo_device::~usb_echo_device() {
    g_object_unref(testbed_);
    g_object_unref(handler_);
    for (auto* queue : {&waiting_in_, &finished_, &held_out_, &discarded_}) {
        for (UMockdevIoctlData* urb : *queue) {
            umockdev_ioctl_data_unref(urb);
        }
    }
}

std::vector<std::size_t> usb_echo_device::frames_taken() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_taken_;
}

std::vector<bool> usb_echo_device::zero_packets_asked() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return zero_packets_asked_;
}

void usb_echo_device::stop_reading() {
    std::lock_guard<std::mutex> lock(mutex_);
    reading_ = false;
}

void usb_echo_device::unplug() {
    std::lock_guard<std::mutex> lock(mutex_);
    unplugged_ = true;
}

gboolean usb_echo_device::on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
    return static_cast<usb_echo_device*>(self)->handle(client) ? TRUE : FALSE;
}

bool usb_echo_device::handle(UMockdevIoctlClient* client) {
    std::lock_guard<std::mutex> lock(mutex_);
    switch (umockdev_ioctl_client_get_request(client)) {
    case USBDEVFS_GET_CAPABILITIES: {
        UMockdevIoctlData* caps = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client),
                                                              0, sizeof(std::uint32_t), nullptr);
        const std::uint32_t bits = USBDEVFS_CAP_BULK_CONTINUATION |
                                   USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_ZERO_PACKET |
                                   USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        std::memcpy(caps->data, &bits, sizeof bits);
        umockdev_ioctl_client_complete(client, 0, 0);
        umockdev_ioctl_data_unref(caps);
        return true;
    }
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESET: umockdev_ioctl_client_complete(client, 0, 0); return true;
    case USBDEVFS_SUBMITURB: submit(client); return true;
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY: reap(client); return true;
    case USBDEVFS_DISCARDURB: discard(client); return true;
    default: return false;
    }
}

void usb_echo_device::submit(UMockdevIoctlClient* client) {
    if (unplugged_) {
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return;
    }
    UMockdevIoctlData* urb_data = resolve_urb(umockdev_ioctl_client_get_arg(client));
    usbdevfs_urb& urb = urb_of(urb_data);
    // The handler shares the process with libusb, so the URB's buffer is read and written in
    // place, as libusb's own umockdev tests do.
    auto* buffer = static_cast<std::uint8_t*>(urb.buffer);
    if (urb.type == USBDEVFS_URB_TYPE_CONTROL) {
        const auto answer = control_answer(buffer);
        std::memcpy(buffer + 8, answer.data(), answer.size());
        urb.actual_length = static_cast<int>(answer.size());
        urb.status = answer.empty() ? -EPIPE : 0;
        finished_.push_back(urb_data);
    } else if (urb.endpoint == 0x01 && !reading_) {
        held_out_.push_back(urb_data);
    } else if (urb.endpoint == 0x01) {
        const auto size = static_cast<std::size_t>(urb.buffer_length);
        answer(buffer, size);
        frames_taken_.push_back(size);
        zero_packets_asked_.push_back((urb.flags & USBDEVFS_URB_ZERO_PACKET) != 0);
        urb.actual_length = urb.buffer_length;
        urb.status = 0;
        finished_.push_back(urb_data);
    } else {
        waiting_in_.push_back(urb_data);
    }
    umockdev_ioctl_client_complete(client, 0, 0);
}

void usb_echo_device::answer(const std::uint8_t* frame, std::size_t size) {
    if (respond_) {
        std::vector<std::vector<std::uint8_t>> answers;
        respond_(frame, size, answers);
        for (auto& a : answers) {
            echoes_.push_back(std::move(a));
        }
        return;
    }
    std::vector<std::uint8_t> echo(frame, frame + size);
    for (auto& byte : echo) {
        byte = static_cast<std::uint8_t>(~byte);
    }
    echoes_.push_back(std::move(echo));
}

// Hands back one finished URB: cancelled ones first, then an IN URB filled with the next echo,
// then OUT and control URBs. An echo is thus delivered before the OUT transfer it answers ends,
// so a test knows that once send() has returned, the link has seen the answer.
void usb_echo_device::reap(UMockdevIoctlClient* client) {
    UMockdevIoctlData* urb_data = nullptr;
    if (!discarded_.empty()) {
        urb_data = discarded_.front();
        discarded_.pop_front();
        urb_of(urb_data).status = -ENOENT;
        urb_of(urb_data).actual_length = 0;
    } else if (unplugged_ && !waiting_in_.empty()) {
        urb_data = waiting_in_.front();
        waiting_in_.pop_front();
        urb_of(urb_data).status = -ENODEV;
        urb_of(urb_data).actual_length = 0;
    } else if (!echoes_.empty() && !waiting_in_.empty()) {
        urb_data = waiting_in_.front();
        waiting_in_.pop_front();
        usbdevfs_urb& urb = urb_of(urb_data);
        const std::vector<std::uint8_t>& echo = echoes_.front();
        // A frame longer than the IN buffer overflows it, as the host controller reports.
        const std::size_t size = std::min(echo.size(), static_cast<std::size_t>(urb.buffer_length));
        std::memcpy(urb.buffer, echo.data(), size);
        urb.actual_length = static_cast<int>(size);
        urb.status = size < echo.size() ? -EOVERFLOW : 0;
        echoes_.pop_front();
    } else if (!finished_.empty()) {
        urb_data = finished_.front();
        finished_.pop_front();
    } else {
        umockdev_ioctl_client_complete(client, -1, EAGAIN);
        return;
    }
    UMockdevIoctlData* pointer = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client),
                                                             0, sizeof(gpointer), nullptr);
    umockdev_ioctl_data_set_ptr(pointer, 0, urb_data);
    umockdev_ioctl_client_complete(client, 0, 0);
    umockdev_ioctl_data_unref(pointer);
    umockdev_ioctl_data_unref(urb_data);
}

void usb_echo_device::discard(UMockdevIoctlClient* client) {
    const auto address = reinterpret_cast<gulong>(
        *reinterpret_cast<void**>(umockdev_ioctl_client_get_arg(client)->data));
    for (auto* queue : {&waiting_in_, &finished_, &held_out_}) {
        for (auto it = queue->begin(); it != queue->end(); ++it) {
            if ((*it)->client_addr == address) {
                discarded_.push_back(*it);
                queue->erase(it);
                umockdev_ioctl_client_complete(client, 0, 0);
                return;
            }
        }
    }
    umockdev_ioctl_client_complete(client, -1, EINVAL);
}

// GET_DESCRIPTOR for strings: the language list and the serial; nothing (a stall) otherwise.
std::vector<std::uint8_t> usb_echo_device::control_answer(const std::uint8_t* setup) const {
    const std::uint8_t index = setup[2];
    const std::uint8_t type = setup[3];
    const std::size_t asked = static_cast<std::size_t>(setup[6] | setup[7] << 8);
    if (setup[1] != get_descriptor || type != string_descriptor) {
        return {};
    }
    std::vector<std::uint8_t> answer;
    if (index == 0) {
        answer = {4, string_descriptor, 0x09, 0x04};
    } else if (index == 3) {
        const std::string text = serial;
        answer = {static_cast<std::uint8_t>(2 + 2 * text.size()), string_descriptor};
        for (char c : text) {
            answer.push_back(static_cast<std::uint8_t>(c));
            answer.push_back(0);
        }
    }
    answer.resize(std::min(answer.size(), asked));
    return answer;
}

} // namespace sf::test
