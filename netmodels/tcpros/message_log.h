// What happened to every message of one TCPROS flow (publisher → subscriber): when it was
// published, fully handed to TCP, fully received, processed, or where it was dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace offloadsim::netmodels {

enum class DropSite { kNone, kPublisherQueue, kSubscriberQueue };

struct MessageRecord {
  std::uint64_t seq = 0;
  std::uint32_t bytes = 0;  // payload bytes (the 4-byte length prefix not included)
  double t_published = -1;
  double t_written = -1;    // last byte accepted by the publisher's TCP socket
  double t_received = -1;   // last byte read by the subscriber
  double t_processed = -1;  // the subscriber's callback finished with it
  DropSite dropped = DropSite::kNone;
};

struct FlowLog {
  std::vector<MessageRecord> messages;   // indexed by seq
  std::vector<std::uint64_t> processed;  // seqs, in the order the callback finished them
  std::uint64_t socket_bytes_read = 0;   // every byte the subscriber read, framing included
  std::uint64_t processed_bytes = 0;
  std::uint64_t publisher_drops = 0;
  std::uint64_t subscriber_drops = 0;
  bool connected = false;
  std::string error;  // connection failures, in words
};

}  // namespace offloadsim::netmodels
