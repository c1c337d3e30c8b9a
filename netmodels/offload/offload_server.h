// The cloud as an ns-3 application: it accepts robots' TCP connections, answers probes at once,
// and queues queries for `workers` parallel workers, each taking a service time from the owner's
// sampler; a reply (the label message, with the service time in its head) goes back on the query's
// connection when its worker finishes. Queries wait in one FIFO queue: the cloud itself congests.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/socket.h>

#include "netmodels/offload/framed_writer.h"
#include "netmodels/offload/offload_messages.h"
#include "netmodels/tcpros/framing.h"

namespace offloadsim::netmodels {

struct CloudStats {
  std::uint64_t queries = 0, probes = 0, served = 0;
  std::size_t max_waiting = 0;
};

class OffloadServer : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();

  void Configure(std::uint16_t port, int workers, std::function<double()> service_time_s, std::uint32_t reply_bytes);
  // Queries waiting plus queries in service: the cloud's queue, for analysis (ground truth).
  std::size_t queue_length() const { return waiting_.size() + static_cast<std::size_t>(busy_); }
  const CloudStats& stats() const { return stats_; }
  // Ground truth for analysis, never on the wire: called when a worker takes a query, with the
  // robot's address, the query's id, and when it arrived and started (its wait in the cloud's queue).
  using JobObserver = std::function<void(ns3::Ipv4Address peer, std::uint64_t id, double arrived_s, double started_s)>;
  void SetJobObserver(JobObserver observer) { observer_ = std::move(observer); }

 private:
  struct Connection {
    ns3::Ptr<ns3::Socket> socket;
    FramedWriter writer;
    std::optional<FrameReassembler> reader;
    ns3::Ipv4Address peer;
  };
  struct Job {
    Connection* connection;
    std::uint64_t id;
    double arrived_s;
  };

  void StartApplication() override;
  void StopApplication() override;
  void OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
  void OnRead(ns3::Ptr<ns3::Socket> socket);
  void OnSendSpace(ns3::Ptr<ns3::Socket> socket, std::uint32_t available);
  void OnRequest(Connection* c, const OffloadHead& head);
  void StartJobs();
  void Finish(Job job, double service_s);
  void Reply(Connection* c, OffloadMessageType type, std::uint64_t id, double service_s);

  std::uint16_t port_ = 0;
  int workers_ = 1;
  std::function<double()> service_time_s_;
  std::uint32_t reply_bytes_ = 64;
  ns3::Ptr<ns3::Socket> listener_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::map<ns3::Socket*, Connection*> by_socket_;
  std::deque<Job> waiting_;
  int busy_ = 0;
  std::vector<ns3::EventId> running_;
  std::vector<std::uint8_t> buffer_;
  CloudStats stats_;
  JobObserver observer_;
};

}  // namespace offloadsim::netmodels
