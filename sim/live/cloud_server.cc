#include "sim/live/cloud_server.h"

#include <array>
#include <chrono>
#include <deque>
#include <set>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>

namespace offloadsim::sim::live {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
std::string peer_name(const tcp::socket& s) {
  boost::system::error_code ec;
  const tcp::endpoint e = s.remote_endpoint(ec);
  return ec ? std::string("unknown peer") : fmt::format("{}:{}", e.address().to_string(), e.port());
}
}  // namespace

class Session;

struct CloudServer::Impl : std::enable_shared_from_this<CloudServer::Impl> {
  Impl(asio::io_context& ctx, CloudServerSettings s, const CloudModel& m, std::function<void(const std::string&)> l)
      : io(ctx),
        settings(std::move(s)),
        model(m),
        log(std::move(l)),
        acceptor(ctx),
        pool(static_cast<std::size_t>(std::max(1, settings.workers))),
        retry(ctx),
        sweeper(ctx) {}
  void accept();
  void refuse(tcp::socket socket);
  void sweep();

  asio::io_context& io;
  CloudServerSettings settings;
  const CloudModel& model;
  std::function<void(const std::string&)> log;
  tcp::acceptor acceptor;
  asio::thread_pool pool;
  asio::steady_timer retry, sweeper;
  std::set<std::shared_ptr<Session>> sessions;
  CloudServerStats stats;
  bool stopped = false;
  // Refusals are logged at most once a second, with how many there were.
  std::chrono::steady_clock::time_point last_refusal_log{};
  std::uint64_t refusals_unlogged = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<CloudServer::Impl> server)
      : socket_(std::move(socket)), server_(std::move(server)), peer_(peer_name(socket_)) {}

  void start() { read_header(); }

  void close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    if (!why.empty() && server_->log) server_->log(fmt::format("connection from {} closed: {}", peer_, why));
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    server_->sessions.erase(shared_from_this());
  }

 private:
 public:
  // Whether this connection has been waiting longer than the read time-out for the header or
  // the body it is reading (the server's sweep asks, once every quarter of the time-out).
  bool overdue(std::chrono::steady_clock::time_point now) const {
    return !closed_ && reading_ &&
           now - read_started_ > std::chrono::duration<double>(server_->settings.read_timeout_s);
  }
  void time_out() {
    ++server_->stats.timed_out;
    close(fmt::format("read time-out ({} s) {}", server_->settings.read_timeout_s,
                      in_body_ ? "in the middle of a message" : "waiting for a message header"));
  }

 private:
  void read_header() {
    if (closed_) return;
    reading_ = true;
    in_body_ = false;
    read_started_ = std::chrono::steady_clock::now();
    asio::async_read(socket_, asio::buffer(header_),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(const boost::system::error_code& ec) {
    if (closed_) return;
    if (ec) return close(ec == asio::error::eof ? "" : ec.message());
    WireError err;
    const std::optional<Header> h =
        decode_header(header_.data(), header_.size(), server_->settings.max_message_bytes, &err);
    if (!h) {
      ++server_->stats.malformed;
      return close("malformed header: " + err.what);
    }
    type_ = h->type;
    if (type_ != MessageType::kRequest && type_ != MessageType::kProbe) {
      ++server_->stats.malformed;
      return close(fmt::format("a robot does not send a {}", to_string(type_)));
    }
    body_.resize(h->body_bytes);  // within max_message_bytes: checked by decode_header
    in_body_ = true;
    read_started_ = std::chrono::steady_clock::now();
    asio::async_read(socket_, asio::buffer(body_),
                     [self = shared_from_this()](boost::system::error_code e, std::size_t) { self->on_body(e); });
  }

  void on_body(const boost::system::error_code& ec) {
    if (closed_) return;
    reading_ = false;
    if (ec) return close(ec == asio::error::eof ? "the robot closed it in the middle of a message" : ec.message());
    WireError err;
    if (type_ == MessageType::kProbe) {
      const std::optional<std::uint64_t> id = decode_probe(body_.data(), body_.size(), &err);
      if (!id) {
        ++server_->stats.malformed;
        return close("malformed probe: " + err.what);
      }
      ++server_->stats.probes;
      send(encode_probe_reply({*id, 0}));
      return read_header();
    }
    std::optional<Request> req = decode_request(body_.data(), body_.size(), &err);
    // Keep the buffer for the next message unless it is large: memory stays bounded per connection.
    if (body_.capacity() > kKeepBufferBytes) std::vector<std::uint8_t>().swap(body_);
    if (!req) {
      ++server_->stats.malformed;
      return close("malformed request: " + err.what);
    }
    ++server_->stats.requests;
    ++pending_;
    asio::post(server_->pool, [self = shared_from_this(), r = std::move(*req)]() {
      const auto start = std::chrono::steady_clock::now();
      const CloudAnswer a = self->server_->model.answer(r);
      const double service = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      Reply reply;
      reply.query_id = r.query_id;
      reply.status = a.status;
      reply.label = a.label;
      reply.confidence = a.confidence;
      reply.service_us = static_cast<std::uint32_t>(std::min(service * 1e6, 4e9));
      asio::post(self->server_->io, [self, bytes = encode_reply(reply)]() mutable {
        --self->pending_;
        if (self->closed_) return;
        self->send(std::move(bytes));
        if (!self->reading_) self->read_header();
      });
    });
    if (pending_ < server_->settings.max_pending_per_connection) read_header();
  }

  // Replies queue while a write is in progress and go out together in the next one (one system
  // call for all that finished meanwhile).
  void send(std::vector<std::uint8_t> bytes) {
    out_.push_back(std::move(bytes));
    if (writing_.empty()) write_next();
  }

  void write_next() {
    writing_.swap(out_);
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(writing_.size());
    for (const auto& b : writing_) buffers.emplace_back(asio::buffer(b));
    asio::async_write(socket_, buffers, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (self->closed_) return;
      if (ec) return self->close(ec.message());
      self->writing_.clear();
      if (!self->out_.empty()) self->write_next();
    });
  }

  static constexpr std::size_t kKeepBufferBytes = 256 * 1024;
  tcp::socket socket_;
  std::chrono::steady_clock::time_point read_started_{};
  bool in_body_ = false;
  std::shared_ptr<CloudServer::Impl> server_;
  std::string peer_;
  std::array<std::uint8_t, kHeaderBytes> header_{};
  std::vector<std::uint8_t> body_;
  MessageType type_ = MessageType::kRequest;
  std::vector<std::vector<std::uint8_t>> out_, writing_;
  int pending_ = 0;
  bool reading_ = false;
  bool closed_ = false;
};

void CloudServer::Impl::refuse(tcp::socket socket) {
  ++stats.refused;
  ++refusals_unlogged;
  const auto now = std::chrono::steady_clock::now();
  if (log && now - last_refusal_log >= std::chrono::seconds(1)) {
    log(
        fmt::format("refused {} connection(s), the latest from {}: {} connections are open, the cap "
                    "(max_connections) is {}",
                    refusals_unlogged, peer_name(socket), sessions.size(), settings.max_connections));
    last_refusal_log = now;
    refusals_unlogged = 0;
  }
  boost::system::error_code ec;
  socket.close(ec);
}

// One timer for every connection's read time-out: a connection is closed between 1 and 1.25 times
// the time-out after its read began (no timer to arm and cancel per message).
void CloudServer::Impl::sweep() {
  sweeper.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(settings.read_timeout_s / 4)));
  sweeper.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->stopped) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<Session>> late;
    for (const auto& s : self->sessions) {
      if (s->overdue(now)) late.push_back(s);
    }
    for (const auto& s : late) s->time_out();
    self->sweep();
  });
}

void CloudServer::Impl::accept() {
  if (stopped) return;
  acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
    if (self->stopped) return;
    if (ec) {
      // E.g. out of file descriptors: say so, wait a little, and go on serving the open connections.
      if (self->log) self->log("accept failed: " + ec.message());
      self->retry.expires_after(std::chrono::milliseconds(100));
      self->retry.async_wait([self](const boost::system::error_code& e) {
        if (!e) self->accept();
      });
      return;
    }
    if (static_cast<int>(self->sessions.size()) >= self->settings.max_connections) {
      self->refuse(std::move(socket));
    } else {
      ++self->stats.accepted;
      boost::system::error_code nodelay;
      socket.set_option(tcp::no_delay(true), nodelay);
      auto s = std::make_shared<Session>(std::move(socket), self);
      self->sessions.insert(s);
      s->start();
    }
    self->accept();
  });
}

CloudServer::CloudServer(asio::io_context& io, CloudServerSettings settings, const CloudModel& model,
                         std::function<void(const std::string&)> log)
    : impl_(std::make_shared<Impl>(io, std::move(settings), model, std::move(log))) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(impl_->settings.address, ec);
  if (ec) throw std::runtime_error(fmt::format("'{}' is not an IP address", impl_->settings.address));
  const tcp::endpoint endpoint(address, impl_->settings.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{}: {}", impl_->settings.address, impl_->settings.port, ec.message()));
  }
  impl_->accept();
  impl_->sweep();
}

CloudServer::~CloudServer() {
  stop();
  impl_->pool.stop();
  impl_->pool.join();
}

std::uint16_t CloudServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void CloudServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  impl_->retry.cancel();
  impl_->sweeper.cancel();
  const auto sessions = impl_->sessions;
  for (const auto& s : sessions) s->close("");
}

const CloudServerStats& CloudServer::stats() const {
  return impl_->stats;
}

int CloudServer::open_connections() const {
  return static_cast<int>(impl_->sessions.size());
}

}  // namespace offloadsim::sim::live
