#include "sim/live/cloud_server.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <deque>
#include <utility>
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
  bool evict_idlest();
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
  std::chrono::steady_clock::time_point last_refusal_log{}, last_eviction_log{};
  std::uint64_t refusals_unlogged = 0, evictions_unlogged = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<CloudServer::Impl> server)
      : socket_(std::move(socket)),
        server_(std::move(server)),
        peer_(peer_name(socket_)),
        last_active_(std::chrono::steady_clock::now()) {}

  void start() {
    in_.resize(kInitialBufferBytes);
    read();
  }

  void close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    if (!why.empty() && server_->log) server_->log(fmt::format("connection from {} closed: {}", peer_, why));
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    server_->sessions.erase(shared_from_this());
  }

  // Whether this connection has waited longer than the read time-out for a message to begin, or
  // for one it began to end (the server's sweep asks, once every quarter of the time-out).
  // A connection whose replies have not been taken for as long (a write stalled, and so its reads
  // stopped) is overdue too.
  bool overdue(std::chrono::steady_clock::time_point now) const {
    const std::chrono::duration<double> limit(server_->settings.read_timeout_s);
    return !closed_ && ((reading_ && now - waiting_since_ > limit) || (!writing_.empty() && now - write_since_ > limit));
  }
  void time_out() {
    ++server_->stats.timed_out;
    if (!writing_.empty() && std::chrono::steady_clock::now() - write_since_ >
                                 std::chrono::duration<double>(server_->settings.read_timeout_s)) {
      return close(fmt::format("its replies were not read for {} s", server_->settings.read_timeout_s));
    }
    close(fmt::format("read time-out ({} s) {}", server_->settings.read_timeout_s,
                      used_ > 0 ? "in the middle of a message" : "waiting for a message"));
  }

  // Who goes first when the server is full (CloudServer's eviction, docs/live.md): a connection
  // that has not completed a message before one that has; then the longest idle. None that has
  // received bytes within `grace` (or started within it), and none with a request being answered
  // or a reply not yet written.
  bool evictable(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::duration grace) const {
    return !closed_ && pending_ == 0 && out_.empty() && writing_.empty() && now - last_active_ >= grace;
  }
  std::pair<bool, std::chrono::steady_clock::time_point> eviction_key() const { return {spoke_, last_active_}; }
  const std::string& peer() const { return peer_; }

 private:
  // Reads what has arrived into the buffer's free space (several pipelined messages in one system
  // call when they are there).
  void read() {
    if (closed_ || reading_) return;
    // Idle, or back after a pause for replies to be taken: the read time-out starts now.
    if (used_ == 0 || paused_) waiting_since_ = std::chrono::steady_clock::now();
    paused_ = false;
    reading_ = true;
    socket_.async_read_some(
        asio::buffer(in_.data() + used_, in_.size() - used_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
      if (ec != asio::error::eof) return close(ec.message());
      return close(used_ > 0 ? "the robot closed it in the middle of a message" : "");
    }
    if (used_ == 0) waiting_since_ = std::chrono::steady_clock::now();  // a message begins
    if (n > 0) last_active_ = std::chrono::steady_clock::now();
    used_ += n;
    parse();
  }

  // Handles every whole message in the buffer, then reads on — unless max_pending_per_connection
  // requests are being answered: then the connection waits (TCP pushes back on the robot) until
  // a reply goes out.
  // Requests being answered and replies not yet taken by the robot count alike against
  // max_pending_per_connection: a robot that sends and never reads stops being read.
  bool may_take_more() const {
    return pending_ + static_cast<int>(out_.size() + writing_.size()) < server_->settings.max_pending_per_connection;
  }

  void parse() {
    std::size_t at = 0;
    std::size_t partial = 0;  // the whole size of a message begun but not complete in the buffer
    while (!closed_ && may_take_more() && used_ - at >= kHeaderBytes) {
      WireError err;
      const std::optional<Header> h =
          decode_header(in_.data() + at, kHeaderBytes, server_->settings.max_message_bytes, &err);
      if (!h) {
        ++server_->stats.malformed;
        return close("malformed header: " + err.what);
      }
      if (h->type != MessageType::kRequest && h->type != MessageType::kProbe) {
        ++server_->stats.malformed;
        return close(fmt::format("a robot does not send a {}", to_string(h->type)));
      }
      const std::size_t need = kHeaderBytes + h->body_bytes;  // ≤ max_message_bytes + 12: checked above
      if (used_ - at < need) {
        partial = need;
        break;
      }
      spoke_ = true;
      handle(h->type, in_.data() + at + kHeaderBytes, h->body_bytes);
      at += need;
      if (used_ > at) waiting_since_ = std::chrono::steady_clock::now();  // the next message has begun
    }
    if (closed_) return;
    compact(at);
    // The buffer holds the message being received whole; a large one that has gone gives its memory
    // back (never below what the message now arriving needs).
    const std::size_t want = std::max({kInitialBufferBytes, partial, used_});
    if (in_.size() < want) {
      in_.resize(want);
    } else if (in_.size() > kKeepBufferBytes && want <= kInitialBufferBytes) {
      in_.resize(kInitialBufferBytes);
      in_.shrink_to_fit();
    }
    if (may_take_more()) {
      read();
    } else {
      paused_ = true;
    }
  }

  void compact(std::size_t at) {
    if (at == 0) return;
    std::memmove(in_.data(), in_.data() + at, used_ - at);
    used_ -= at;
  }

  void handle(MessageType type, const std::uint8_t* body, std::size_t size) {
    WireError err;
    if (type == MessageType::kProbe) {
      const std::optional<std::uint64_t> id = decode_probe(body, size, &err);
      if (!id) {
        ++server_->stats.malformed;
        return close("malformed probe: " + err.what);
      }
      ++server_->stats.probes;
      return send(encode_probe_reply({*id, 0}));
    }
    std::optional<Request> req = decode_request(body, size, &err);
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
        if (!self->reading_) self->parse();  // it waited for this reply: go on
      });
    });
  }

  // Replies queue while a write is in progress and go out together in the next one (one system
  // call for all that finished meanwhile).
  void send(std::vector<std::uint8_t> bytes) {
    out_.push_back(std::move(bytes));
    if (writing_.empty()) write_next();
  }

  void write_next() {
    write_since_ = std::chrono::steady_clock::now();
    writing_.swap(out_);
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(writing_.size());
    for (const auto& b : writing_) buffers.emplace_back(asio::buffer(b));
    asio::async_write(socket_, buffers, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (self->closed_) return;
      if (ec) return self->close(ec.message());
      self->writing_.clear();
      if (!self->out_.empty()) self->write_next();
      if (!self->reading_) self->parse();  // it may have waited for its replies to be taken
    });
  }

  static constexpr std::size_t kInitialBufferBytes = 16 * 1024;
  static constexpr std::size_t kKeepBufferBytes = 256 * 1024;
  tcp::socket socket_;
  std::chrono::steady_clock::time_point waiting_since_{}, write_since_{};
  std::shared_ptr<CloudServer::Impl> server_;
  std::string peer_;
  std::chrono::steady_clock::time_point last_active_;  // its start, then the last bytes received
  bool spoke_ = false;                                 // it has completed a message
  bool paused_ = false;                                // not read until replies are taken
  std::vector<std::uint8_t> in_;  // received bytes: [0, used_) not yet handled
  std::size_t used_ = 0;
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

// Full: the idlest connection makes room for a new one, so that connections that hold a place and
// say little (or nothing) cannot lock an active robot out. See Session::evictable.
bool CloudServer::Impl::evict_idlest() {
  const auto now = std::chrono::steady_clock::now();
  const auto grace = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(settings.eviction_grace_s));
  std::shared_ptr<Session> victim;
  for (const auto& s : sessions) {
    if (s->evictable(now, grace) && (!victim || s->eviction_key() < victim->eviction_key())) victim = s;
  }
  if (!victim) return false;
  ++stats.evicted;
  ++evictions_unlogged;
  // Logged at most once a second, with how many there were (as refusals are).
  std::string why;
  if (now - last_eviction_log >= std::chrono::seconds(1)) {
    why = fmt::format("evicted for a new connection, the idlest of {} (max_connections); {} eviction(s) in the last "
                      "second",
                      settings.max_connections, evictions_unlogged);
    last_eviction_log = now;
    evictions_unlogged = 0;
  }
  victim->close(why);
  return true;
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
    if (static_cast<int>(self->sessions.size()) >= self->settings.max_connections && !self->evict_idlest()) {
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
