/* proc.h: what a long-running service needs from the loop besides the
 * network: timers, signal watchers and child processes (the watch's exec
 * alerts: argv and environment, never a shell). Each object is freed by its
 * owner before dd_net_free. */
#ifndef DD_NET_PROC_H
#define DD_NET_PROC_H

#include <stdint.h>

struct dd_net;

struct dd_net_timer;
/* A timer calling cb(arg) once, ms after each dd_net_timer_start. It keeps
 * the loop alive while started. 0 or DD_ENOMEM. */
int dd_net_timer_new(struct dd_net *net, void (*cb)(void *arg), void *arg,
		     struct dd_net_timer **out);
void dd_net_timer_start(struct dd_net_timer *t, uint64_t ms);
void dd_net_timer_stop(struct dd_net_timer *t);
/* From now on t does not keep the loop alive: it fires only while
 * something else does (a periodic chore beside the real work). */
void dd_net_timer_weak(struct dd_net_timer *t);
void dd_net_timer_free(struct dd_net_timer *t);

struct dd_net_sig;
/* Call cb(arg, signum) from the loop when the process receives signum
 * (several watchers may share a net; none keeps the loop alive). */
int dd_net_sig_new(struct dd_net *net, int signum, void (*cb)(void *arg, int signum), void *arg,
		   struct dd_net_sig **out);
void dd_net_sig_free(struct dd_net_sig *s);

/* Run argv[0] (an absolute path) with argv and env (NULL-terminated; the
 * whole environment of the child), stdin from /dev/null, stdout and stderr
 * inherited. done(arg, status) is called once from the loop with the exit
 * status, or 128 + the signal that ended it. The child is killed after
 * timeout_ms (0: 30 s). 0, DD_ENOMEM, or DD_EIO when it could not be
 * started (done is then never called). */
typedef void (*dd_net_spawn_cb)(void *arg, int status);
int dd_net_spawn(struct dd_net *net, char *const *argv, char *const *env, unsigned timeout_ms,
		 dd_net_spawn_cb done, void *arg);

#endif
