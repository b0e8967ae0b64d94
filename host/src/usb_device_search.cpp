#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include <libusb.h>

#include <sf/host/usb_link.hpp>

#include "libusb_error.hpp"
#include "usb_device_search.hpp"

namespace sf::host {

namespace {

struct device_list_deleter {
    void operator()(libusb_device** list) const { libusb_free_device_list(list, 1); }
};

// What the user is told about one attached device.
struct seen_device {
    libusb_device* device = nullptr;
    std::uint16_t vid = 0;
    std::uint16_t pid = 0;
    std::uint8_t bus = 0;
    std::uint8_t port_address = 0;
    std::uint8_t serial_index = 0;
};

std::optional<std::string> read_serial(libusb_device_handle* handle, std::uint8_t index) {
    if (index == 0) {
        return std::nullopt;
    }
    unsigned char text[256];
    const int n = libusb_get_string_descriptor_ascii(handle, index, text, sizeof text);
    if (n < 0) {
        return std::nullopt;
    }
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n));
}

std::string describe(const seen_device& seen) {
    char line[64];
    std::snprintf(line, sizeof line, "%04x:%04x", seen.vid, seen.pid);
    std::string text = line;
    libusb_device_handle* handle = nullptr;
    if (seen.serial_index != 0 && libusb_open(seen.device, &handle) == 0) {
        if (const auto serial = read_serial(handle, seen.serial_index)) {
            text += " serial " + *serial;
        }
        libusb_close(handle);
    }
    std::snprintf(line, sizeof line, " (bus %u, address %u)", unsigned{seen.bus},
                  unsigned{seen.port_address});
    return text + line;
}

std::vector<seen_device> attached(libusb_device** list, std::size_t count) {
    std::vector<seen_device> devices;
    for (std::size_t i = 0; i < count; ++i) {
        libusb_device_descriptor descriptor{};
        if (libusb_get_device_descriptor(list[i], &descriptor) != 0) {
            continue;
        }
        devices.push_back({list[i], descriptor.idVendor, descriptor.idProduct,
                           libusb_get_bus_number(list[i]), libusb_get_device_address(list[i]),
                           descriptor.iSerialNumber});
    }
    std::sort(devices.begin(), devices.end(), [](const seen_device& a, const seen_device& b) {
        return a.bus != b.bus ? a.bus < b.bus : a.port_address < b.port_address;
    });
    return devices;
}

std::string none_matches(const usb_address& address, const std::vector<seen_device>& devices) {
    std::string text = "no USB device matches " + to_url(address) + "; ";
    if (devices.empty()) {
        return text + "no USB devices were found";
    }
    text += std::to_string(devices.size()) + " found:";
    for (const seen_device& seen : devices) {
        text += "\n  " + describe(seen);
    }
    return text;
}

} // namespace

expected<libusb_device_handle*> open_matching_device(libusb_context* context,
                                                     const usb_address& address, std::string& why) {
    libusb_device** raw_list = nullptr;
    const ssize_t count = libusb_get_device_list(context, &raw_list);
    if (count < 0) {
        why = "cannot list USB devices: " + make_libusb_error(static_cast<int>(count)).message();
        return make_libusb_error(static_cast<int>(count));
    }
    const std::unique_ptr<libusb_device*, device_list_deleter> list(raw_list);
    const auto devices = attached(raw_list, static_cast<std::size_t>(count));
    for (const seen_device& seen : devices) {
        if (seen.vid != address.vid || seen.pid != address.pid) {
            continue;
        }
        libusb_device_handle* handle = nullptr;
        if (const int error = libusb_open(seen.device, &handle); error != 0) {
            why = "cannot open USB device " + describe(seen) + ": " +
                  make_libusb_error(error).message();
            return make_libusb_error(error);
        }
        if (!address.serial || read_serial(handle, seen.serial_index) == address.serial) {
            return handle;
        }
        libusb_close(handle);
    }
    why = none_matches(address, devices);
    return std::make_error_code(std::errc::no_such_device);
}

std::error_code check_contract(libusb_device_handle* handle, std::string& why) {
    libusb_config_descriptor* config = nullptr;
    if (const int error = libusb_get_active_config_descriptor(libusb_get_device(handle), &config);
        error != 0) {
        why = "cannot read the USB device's configuration: " + make_libusb_error(error).message();
        return make_libusb_error(error);
    }
    bool out = false;
    bool in = false;
    for (int i = 0; i < config->bNumInterfaces; ++i) {
        const libusb_interface& interface = config->interface[i];
        if (interface.num_altsetting < 1 ||
            interface.altsetting[0].bInterfaceNumber != usb_contract::interface) {
            continue;
        }
        const libusb_interface_descriptor& setting = interface.altsetting[0];
        for (int e = 0; e < setting.bNumEndpoints; ++e) {
            const libusb_endpoint_descriptor& endpoint = setting.endpoint[e];
            const bool bulk = (endpoint.bmAttributes & 0x3) == LIBUSB_TRANSFER_TYPE_BULK;
            out = out || (bulk && endpoint.bEndpointAddress == usb_contract::endpoint_out);
            in = in || (bulk && endpoint.bEndpointAddress == usb_contract::endpoint_in);
        }
    }
    libusb_free_config_descriptor(config);
    if (out && in) {
        return {};
    }
    why = "the USB device has no bulk endpoints 0x01 (OUT) and 0x81 (IN) on interface 0: it "
          "is not a board that speaks the spikeforge protocol";
    return std::make_error_code(std::errc::not_supported);
}

} // namespace sf::host
