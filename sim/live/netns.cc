#include "sim/live/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace offloadsim::sim::live {

namespace {

// Runs `ip` with the arguments (our own names and addresses: no shell quoting needed, checked).
void ip(const std::string& args, bool must_succeed = true) {
  for (char c : args) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr(" ./-_=", c) != nullptr)) {
      throw std::invalid_argument("netns: unexpected character in: " + args);
    }
  }
  const std::string cmd = ip_command() + " " + args + (must_succeed ? " 2>&1" : " >/dev/null 2>&1");
  const int rc = std::system(cmd.c_str());
  if (rc != 0 && must_succeed) {
    throw std::runtime_error(fmt::format("`ip {}` failed (status {})", args, rc));
  }
}

}  // namespace

std::string ip_command() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

std::string namespaces_unavailable() {
  if (::geteuid() != 0) return "network namespaces and TAP devices need root (CAP_NET_ADMIN)";
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing or not accessible";
  if (ip_command().empty()) return "iproute2's `ip` is not installed";
  return "";
}

NetworkNamespaces::NetworkNamespaces() {
  DIR* d = ::opendir("/var/run/netns");
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) {
    int pid = 0;
    if (std::sscanf(e->d_name, "ofs%d", &pid) == 1 && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
      ip(std::string("netns del ") + e->d_name, false);
    }
  }
  ::closedir(d);
}

NetworkNamespaces::~NetworkNamespaces() {
  for (const std::string& ns : made_) {
    try {
      ip("netns del " + ns, false);
    } catch (...) {
    }
  }
}

int NetworkNamespaces::add(const std::string& name, const std::string& address, const std::string& gateway) {
  if (name.empty() || name.size() >= IFNAMSIZ) throw std::invalid_argument("netns: bad name " + name);
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("/dev/net/tun: {}", std::strerror(errno)));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("creating TAP {}: {}", name, std::strerror(e)));
  }
  ip("netns add " + name);
  made_.push_back(name);
  ip("link set dev " + name + " netns " + name);
  // No IPv6 chatter (router solicitations, DAD): the simulated network carries IPv4 only.
  ip("netns exec " + name + " /sbin/sysctl -qw net.ipv6.conf.all.disable_ipv6=1", false);
  ip("-n " + name + " link set lo up");
  ip("-n " + name + " addr add " + address + "/24 dev " + name);
  ip("-n " + name + " link set " + name + " up");
  ip("-n " + name + " route add default via " + gateway);
  return fd;
}

std::vector<std::string> NetworkNamespaces::exec_prefix(const std::string& name) const {
  return {ip_command(), "netns", "exec", name};
}

}  // namespace offloadsim::sim::live
