// The live server benchmark's baseline: the least a Boost.Asio server can do with our framing — read
// a 12-byte header, read the body it declares, write a fixed 40-byte reply — on one io_context
// thread, with no validation, no time-outs, no cap, no worker pool. What offloadsim cloud adds on
// top of this is its overhead (docs/benchmarks.md).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace offloadsim::bench {

class EchoServer {
 public:
  explicit EchoServer(boost::asio::io_context& io)
      : acceptor_(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Conn : std::enable_shared_from_this<Conn> {
    explicit Conn(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
    void read() {
      boost::asio::async_read(
          socket, boost::asio::buffer(header), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
            if (ec) return;
            const std::uint32_t n =
                static_cast<std::uint32_t>(self->header[8]) | static_cast<std::uint32_t>(self->header[9]) << 8 |
                static_cast<std::uint32_t>(self->header[10]) << 16 | static_cast<std::uint32_t>(self->header[11]) << 24;
            self->body.resize(n);
            boost::asio::async_read(self->socket, boost::asio::buffer(self->body),
                                    [self](boost::system::error_code e, std::size_t) {
                                      if (e) return;
                                      // The request's id into the reply: a client matches it.
                                      std::copy(self->body.begin(), self->body.begin() + 8, self->reply.begin() + 12);
                                      self->reply[5] = 2;
                                      self->reply[8] = 28;
                                      boost::asio::async_write(self->socket, boost::asio::buffer(self->reply),
                                                               [self](boost::system::error_code w, std::size_t) {
                                                                 if (!w) self->read();
                                                               });
                                    });
          });
    }
    boost::asio::ip::tcp::socket socket;
    std::array<std::uint8_t, 12> header{};
    std::vector<std::uint8_t> body;
    std::array<std::uint8_t, 40> reply{0x4F, 0x46, 0x4C, 0x44, 1};
  };
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (!ec) std::make_shared<Conn>(std::move(s))->read();
      accept();
    });
  }
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace offloadsim::bench
