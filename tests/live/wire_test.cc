#include "sim/live/wire.h"

#include <gtest/gtest.h>

namespace offloadsim::sim::live {
namespace {

std::optional<Header> header_of(const std::vector<std::uint8_t>& msg, std::uint32_t limit = 1u << 20,
                                WireError* err = nullptr) {
  return decode_header(msg.data(), kHeaderBytes, limit, err);
}

TEST(Wire, RequestRoundTrips) {
  Request r;
  r.query_id = 0x0123456789abcdefULL;
  r.robot = 7;
  r.kind = PayloadKind::kJpeg;
  r.frame = 123456;
  r.deadline_ms = 250;
  r.payload = {1, 2, 3, 4, 5};
  const std::vector<std::uint8_t> msg = encode_request(r);
  const std::optional<Header> h = header_of(msg);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->type, MessageType::kRequest);
  ASSERT_EQ(h->body_bytes, msg.size() - kHeaderBytes);
  const std::optional<Request> back = decode_request(msg.data() + kHeaderBytes, h->body_bytes, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->query_id, r.query_id);
  EXPECT_EQ(back->robot, 7);
  EXPECT_EQ(back->kind, PayloadKind::kJpeg);
  EXPECT_EQ(back->frame, 123456);
  EXPECT_EQ(back->deadline_ms, 250u);
  EXPECT_EQ(back->payload, r.payload);
  // The zero-payload form is the same message as an explicit zero payload.
  r.payload.assign(64, 0);
  EXPECT_EQ(encode_request(r), encode_request(r, 64));
}

TEST(Wire, ReplyAndProbesRoundTrip) {
  Reply r{42, ReplyStatus::kOk, -3, 0.625, 123456};
  const auto msg = encode_reply(r);
  ASSERT_EQ(msg.size(), kHeaderBytes + kReplyBytes);
  const auto back = decode_reply(msg.data() + kHeaderBytes, kReplyBytes, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->query_id, 42u);
  EXPECT_EQ(back->label, -3);
  EXPECT_DOUBLE_EQ(back->confidence, 0.625);
  EXPECT_EQ(back->service_us, 123456u);
  const auto probe = encode_probe(9, 56);
  ASSERT_EQ(probe.size(), kHeaderBytes + kProbeFixedBytes + 56);
  EXPECT_EQ(*decode_probe(probe.data() + kHeaderBytes, probe.size() - kHeaderBytes, nullptr), 9u);
  const auto pr = encode_probe_reply({9, 17});
  const auto pback = decode_probe_reply(pr.data() + kHeaderBytes, kProbeReplyBytes, nullptr);
  ASSERT_TRUE(pback);
  EXPECT_EQ(pback->service_us, 17u);
}

TEST(Wire, HeaderRefusesWhatItMustNotTrust) {
  const std::vector<std::uint8_t> good = encode_probe(1, 0);
  WireError err;
  std::vector<std::uint8_t> m = good;
  m[0] ^= 0xff;
  EXPECT_FALSE(header_of(m, 1u << 20, &err));
  EXPECT_NE(err.what.find("magic"), std::string::npos);
  m = good;
  m[4] = 2;
  EXPECT_FALSE(header_of(m, 1u << 20, &err));
  EXPECT_NE(err.what.find("version 2"), std::string::npos);
  m = good;
  m[5] = 9;
  EXPECT_FALSE(header_of(m, 1u << 20, &err));
  EXPECT_NE(err.what.find("type 9"), std::string::npos);
  m = good;
  m[6] = 1;
  EXPECT_FALSE(header_of(m, 1u << 20, &err));
  // A request declaring 4 GB: refused from the header alone, naming the limit.
  Request r;
  std::vector<std::uint8_t> big = encode_request(r);
  big[8] = big[9] = big[10] = big[11] = 0xff;
  EXPECT_FALSE(header_of(big, 4u << 20, &err));
  EXPECT_NE(err.what.find("4294967295 bytes exceeds the limit of 4194304"), std::string::npos) << err.what;
  // Sizes impossible for the type.
  std::vector<std::uint8_t> reply = encode_reply({});
  reply[8] = static_cast<std::uint8_t>(kReplyBytes + 1);
  EXPECT_FALSE(header_of(reply, 1u << 20, &err));
  EXPECT_FALSE(decode_header(good.data(), kHeaderBytes - 1, 100, &err));
}

TEST(Wire, BodiesAreChecked) {
  WireError err;
  Request r;
  r.kind = PayloadKind::kEmbedding;
  r.payload = {1, 2, 3};  // not whole float32s
  auto msg = encode_request(r);
  EXPECT_FALSE(decode_request(msg.data() + kHeaderBytes, msg.size() - kHeaderBytes, &err));
  EXPECT_NE(err.what.find("float32"), std::string::npos);
  r.payload.clear();
  r.frame = -5;
  msg = encode_request(r);
  EXPECT_FALSE(decode_request(msg.data() + kHeaderBytes, msg.size() - kHeaderBytes, &err));
  auto reply = encode_reply({1, ReplyStatus::kOk, 0, 1.5, 0});
  EXPECT_FALSE(decode_reply(reply.data() + kHeaderBytes, kReplyBytes, &err));
  EXPECT_NE(err.what.find("confidence"), std::string::npos);
  EXPECT_FALSE(decode_request(msg.data(), 3, &err));
}

}  // namespace
}  // namespace offloadsim::sim::live
