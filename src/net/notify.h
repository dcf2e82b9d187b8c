/* notify.h: telling the service manager how the service is doing, as
 * systemd's sd_notify(3) protocol has it: one datagram of "KEY=VALUE"
 * lines (READY=1, STATUS=..., STOPPING=1, WATCHDOG=1) to the AF_UNIX
 * socket named by NOTIFY_SOCKET (a path, or "@name" in the abstract
 * namespace). Written here rather than taken from libsystemd: the
 * protocol is one sendto, and the unit is Type=notify in every build.
 * Without a socket every call does nothing: the same binary runs under
 * systemd, under another supervisor and in a terminal. */
#ifndef DD_NET_NOTIFY_H
#define DD_NET_NOTIFY_H

#include <stdint.h>

struct dd_net_notify;

/* A notifier for the socket named by socket_name (NOTIFY_SOCKET's value;
 * NULL or "": none, *out NULL and 0) and the watchdog interval in
 * microseconds (WATCHDOG_USEC's value when WATCHDOG_PID is unset or this
 * process's; NULL, "" or 0: none). 0, DD_EINVAL (a name that is neither
 * an absolute path nor "@name", or too long; a bad interval), DD_EIO (no
 * socket), DD_ENOMEM. */
int dd_net_notify_open(struct dd_net_notify **out, const char *socket_name,
		       const char *watchdog_usec);
/* Send state ("READY=1", "STATUS=...", newline-separated lines). 0, or
 * DD_EIO when the manager's socket does not take it (the caller logs it;
 * the service goes on). Nothing with n NULL. */
int dd_net_notify_send(struct dd_net_notify *n, const char *state);
/* WATCHDOG=1 when half the watchdog interval has passed since the last
 * one (now_ms: a monotonic clock); nothing without a watchdog. Called as
 * the service makes progress, so a stuck service stops pinging. */
int dd_net_notify_alive(struct dd_net_notify *n, double now_ms);
void dd_net_notify_close(struct dd_net_notify *n);

#endif
