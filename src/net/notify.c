/* notify.c: the sd_notify(3) datagram protocol (notify.h): one
 * connectionless AF_UNIX socket, one sendto per message, never blocking. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/err.h"
#include "net/notify.h"

struct dd_net_notify {
	int fd;
	struct sockaddr_un addr;
	socklen_t len;
	uint64_t watchdog_ms;
	double last_ping; /* monotonic ms of the last WATCHDOG=1 */
};

/* The manager's address: an absolute path, or "@name" in the abstract
 * namespace (the '@' becomes the leading NUL). */
static int address(struct dd_net_notify *n, const char *name)
{
	size_t l = strlen(name);

	if ((name[0] != '/' && name[0] != '@') || l < 2 || l >= sizeof(n->addr.sun_path))
		return DD_EINVAL;
	n->addr.sun_family = AF_UNIX;
	memcpy(n->addr.sun_path, name, l);
	if (name[0] == '@')
		n->addr.sun_path[0] = '\0';
	n->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l + (name[0] == '/'));
	return 0;
}

/* WATCHDOG_USEC: microseconds, at most a day (a watchdog longer than
 * that is no watchdog worth pinging on time). */
static int interval(const char *usec, uint64_t *ms)
{
	char *end;
	unsigned long long v;

	*ms = 0;
	if (!usec || !usec[0])
		return 0;
	v = strtoull(usec, &end, 10);
	if (*end || usec[0] == '-' || v > 86400ULL * 1000000)
		return DD_EINVAL;
	*ms = v / 1000;
	return 0;
}

int dd_net_notify_open(struct dd_net_notify **out, const char *socket_name,
		       const char *watchdog_usec)
{
	struct dd_net_notify *n;
	int rc;

	*out = NULL;
	if (!socket_name || !socket_name[0])
		return 0;
	if (!(n = calloc(1, sizeof(*n))))
		return DD_ENOMEM;
	if ((rc = address(n, socket_name)) != 0 || (rc = interval(watchdog_usec, &n->watchdog_ms))) {
		free(n);
		return rc;
	}
	if ((n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		free(n);
		return DD_EIO;
	}
	*out = n;
	return 0;
}

int dd_net_notify_send(struct dd_net_notify *n, const char *state)
{
	size_t l;

	if (!n)
		return 0;
	l = strlen(state);
	return sendto(n->fd, state, l, MSG_NOSIGNAL, (const struct sockaddr *)&n->addr, n->len) ==
			       (ssize_t)l
		       ? 0
		       : DD_EIO;
}

int dd_net_notify_alive(struct dd_net_notify *n, double now_ms)
{
	if (!n || !n->watchdog_ms || (n->last_ping && now_ms - n->last_ping < n->watchdog_ms / 2.0))
		return 0;
	n->last_ping = now_ms;
	return dd_net_notify_send(n, "WATCHDOG=1");
}

void dd_net_notify_close(struct dd_net_notify *n)
{
	if (!n)
		return;
	close(n->fd);
	free(n);
}
