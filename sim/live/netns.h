// Linux network namespaces, each holding one TAP device, for live mode across an ns-3 network
// (netmodels/emulation): the TAP is created here (its file descriptor is what ns-3's FdNetDevice
// reads and writes), moved into a new namespace and given an address and a default route via the
// ns-3 side. Needs root (CAP_NET_ADMIN), /dev/net/tun and iproute2's `ip`.
#pragma once

#include <string>
#include <vector>

namespace offloadsim::sim::live {

// Where it is impossible here: the reason (no root, no /dev/net/tun, no `ip`), else "".
std::string namespaces_unavailable();

class NetworkNamespaces {
 public:
  // Removes namespaces an earlier run left behind when it died (named ofs<pid>…, pid gone).
  NetworkNamespaces();
  ~NetworkNamespaces();  // deletes every namespace made here (their TAPs go with them)
  NetworkNamespaces(const NetworkNamespaces&) = delete;
  NetworkNamespaces& operator=(const NetworkNamespaces&) = delete;

  // A new namespace `name` (≤ 15 characters) with a TAP of the same name at `address`/24, default
  // route via `gateway`; returns the TAP's file descriptor (close-on-exec), which the caller owns (ns-3's
  // FdNetDevice closes it when the simulation is destroyed). Throws on failure.
  int add(const std::string& name, const std::string& address, const std::string& gateway);
  // The command prefix that runs a program inside namespace `name`.
  std::vector<std::string> exec_prefix(const std::string& name) const;

 private:
  std::vector<std::string> made_;
};

std::string ip_command();  // the absolute path of iproute2's ip, or "" when missing

}  // namespace offloadsim::sim::live
