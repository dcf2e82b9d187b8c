/* work.c: CPU work on libuv's thread pool, for the parts of a run that are
 * pure computation (judging a finished domain): the work runs on a pool
 * thread below the loop's priority, and its completion is called back on
 * the loop, so the code that started it never sees a thread. */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uv.h>

#include "core/err.h"
#include "net/net.h"

struct dd_net_work {
	uv_work_t req;
	dd_net_work_fn fn;
	dd_net_work_done done;
	void *arg;
};

/* The calling pool thread yields to the loop's thread: it runs 10 nice
 * levels below it (Linux: nice is per thread; the loop's thread is the
 * process's first, whose id is the pid). The loop paces a run: while it
 * waits for the CPU, the servers wait for questions; the work can lag.
 * Measured with bench/live.sh (docs/audit.md), c=200: 930-978 domains/s
 * with the pool at the loop's priority, 1,109-1,134 at +10. A few cheap
 * system calls per item, and no state to keep. */
static void yield_to_loop(void)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	int loop, mine;

	errno = 0;
	loop = getpriority(PRIO_PROCESS, (id_t)getpid());
	mine = getpriority(PRIO_PROCESS, (id_t)self);
	if (errno == 0 && mine < loop + 10 && mine < 19)
		(void)setpriority(PRIO_PROCESS, (id_t)self, loop + 10 < 19 ? loop + 10 : 19);
}

static void on_work(uv_work_t *req)
{
	struct dd_net_work *w = req->data;

	yield_to_loop();
	w->fn(w->arg);
}

static void on_work_done(uv_work_t *req, int status)
{
	struct dd_net_work *w = req->data;
	dd_net_work_done done = w->done;
	void *arg = w->arg;

	free(w);
	done(arg, status == UV_ECANCELED);
}

int dd_net_work(struct dd_net *net, dd_net_work_fn fn, dd_net_work_done done, void *arg,
		struct dd_net_work **out)
{
	struct dd_net_work *w = calloc(1, sizeof(*w));

	if (!w)
		return DD_ENOMEM;
	w->fn = fn;
	w->done = done;
	w->arg = arg;
	w->req.data = w;
	if (uv_queue_work(dd_net_uv_loop(net), &w->req, on_work, on_work_done) != 0) {
		free(w);
		return DD_EINVAL;
	}
	if (out)
		*out = w;
	return 0;
}

void dd_net_work_cancel(struct dd_net_work *w)
{
	(void)uv_cancel((uv_req_t *)&w->req);
}
