/* err.h: dnsdeps error codes. Every fallible function returns 0 or one of
 * these negative values; foreign codes (errno, libuv, ldns) are converted at
 * the boundary where they appear. A misbehaving remote server is never an
 * error of dnsdeps: it is recorded as evidence and judged as a finding. */
#ifndef DD_CORE_ERR_H
#define DD_CORE_ERR_H

enum dd_err {
	DD_OK = 0,
	DD_ENOMEM = -1,      /* out of memory */
	DD_EINVAL = -2,      /* invalid argument */
	DD_ENAME = -3,       /* not a valid domain name */
	DD_EIO = -4,         /* local I/O failure (file, socket setup) */
	DD_ETIMEDOUT = -5,   /* no answer before the deadline */
	DD_EUNREACH = -6,    /* network or host unreachable, port closed (ICMP) */
	DD_EMALFORMED = -7,  /* a remote peer sent something that does not parse */
	DD_ELIMIT = -8,      /* a hard bound (depth, count, size) was reached */
	DD_ELOOP = -9,       /* a loop was detected and refused */
	DD_ENOTFOUND = -10,  /* the thing asked for does not exist */
	DD_EPARSE = -11,     /* a local file does not parse */
	DD_ECANCELED = -12,  /* the operation was canceled before it completed */
	DD_ERESET = -13,     /* the peer closed or reset the connection */
	DD_EUNSUPP = -14,    /* not supported (e.g. address family disabled) */
	DD_EHELD = -15,      /* not sent: the address timed out on its last questions */
	DD_EDENIED = -16,    /* not sent: a server-supplied destination that is not allowed */
	DD_ECONFLICT = -17,  /* another writer changed it first (the store's fleet) */
};

/* One line describing an error code, never NULL. */
const char *dd_strerror(int err);
/* The code's short name, e.g. "DD_ETIMEDOUT" -> "timeout", never NULL. */
const char *dd_err_name(int err);
/* Map a positive errno value to a dnsdeps error. */
int dd_err_from_errno(int errnum);

#endif
