#include "sim/live/cloud_reader.h"

#include <cmath>

#include <fmt/format.h>

namespace offloadsim::sim::live {

bool CloudStreamReader::feed(const std::uint8_t* data, std::size_t n, std::vector<CloudMessage>* out,
                             WireError* error) {
  buffer_.insert(buffer_.end(), data, data + n);
  std::size_t at = 0;
  bool ok = true;
  while (buffer_.size() - at >= kHeaderBytes) {
    const std::optional<Header> h = decode_header(buffer_.data() + at, kHeaderBytes, max_body_, error);
    if (!h) {
      ok = false;
      break;
    }
    if (h->type != MessageType::kReply && h->type != MessageType::kProbeReply) {
      error->what = fmt::format("a cloud does not send a {}", to_string(h->type));
      ok = false;
      break;
    }
    if (buffer_.size() - at - kHeaderBytes < h->body_bytes) break;  // the rest has not arrived
    const auto body = buffer_.begin() + static_cast<std::ptrdiff_t>(at + kHeaderBytes);
    out->push_back({h->type, std::vector<std::uint8_t>(body, body + h->body_bytes)});
    at += kHeaderBytes + h->body_bytes;
  }
  if (!ok) {
    buffer_.clear();
    return false;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(at));
  return true;
}

namespace {
// The service time a cloud states, against the round trip the robot measured.
std::string service_problem(std::uint32_t service_us, double round_trip_s) {
  if (!(round_trip_s >= 0) || service_us / 1e6 > round_trip_s) {
    return fmt::format("service time {:.3f} ms is longer than the round trip {:.3f} ms", service_us / 1e3,
                       round_trip_s * 1e3);
  }
  return {};
}
}  // namespace

CheckedReply check_reply(const std::vector<std::uint8_t>& body, const LabelRange& labels, double round_trip_s) {
  CheckedReply c;
  WireError err;
  std::optional<Reply> r = decode_reply(body.data(), body.size(), &err);
  if (!r) {
    c.problem = err.what;
    return c;
  }
  if (!std::isfinite(r->confidence) || r->confidence < 0 || r->confidence > 1) {
    c.problem = fmt::format("confidence {} is not in [0, 1]", r->confidence);
    return c;
  }
  if (r->status == ReplyStatus::kOk && (r->label < labels.min || r->label > labels.max)) {
    c.problem = fmt::format("label {} is not one of the model's classes [{}, {}]", r->label, labels.min, labels.max);
    return c;
  }
  c.problem = service_problem(r->service_us, round_trip_s);
  if (c.problem.empty()) c.reply = r;
  return c;
}

CheckedProbeReply check_probe_reply(const std::vector<std::uint8_t>& body, double round_trip_s) {
  CheckedProbeReply c;
  WireError err;
  std::optional<ProbeReply> p = decode_probe_reply(body.data(), body.size(), &err);
  if (!p) {
    c.problem = err.what;
    return c;
  }
  c.problem = service_problem(p->service_us, round_trip_s);
  if (c.problem.empty()) c.reply = p;
  return c;
}

}  // namespace offloadsim::sim::live
